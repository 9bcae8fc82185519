use std::time::Instant;
use trellis::render::*;
use trellis::engine::eval::Extensions;
fn main() {
    let ctx = Context::from_json(&serde_json::json!({"parameters": {"name": "x", "owner": "group:default/a"}, "steps": {}, "user": {"ref": "user:default/j"}}));
    let opts = RenderOptions::default();
    let ext = trellis::engine::backstage::extensions(trellis::engine::backstage::default_integrations());
    for src in ["plain", "${{ parameters.name }}", "x-${{ parameters.name | upper }}", "${{ parameters.owner | parseEntityRef | pick('name') }}"] {
        let n = 200000;
        let start = Instant::now();
        for _ in 0..n { let _ = render_value(src, &ctx, &opts, &ext); }
        println!("{src}: {:.3} us", start.elapsed().as_secs_f64() * 1e6 / n as f64);
    }
    let start = Instant::now();
    for _ in 0..20000 { let _ = trellis::engine::backstage::extensions(trellis::engine::backstage::default_integrations()); }
    println!("extensions: {:.3} us", start.elapsed().as_secs_f64() * 1e6 / 20000.0);
    let _ = Extensions::default();
}
