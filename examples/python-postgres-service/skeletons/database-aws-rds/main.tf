{%- set instance_classes = {'small': 'db.t4g.small', 'medium': 'db.m7g.large', 'large': 'db.m7g.xlarge'} -%}
{%- set storage_gib = {'small': 20, 'medium': 100, 'large': 400} -%}
# The PostgreSQL database of ${{ values.name }} (${{ values.environment }}) on Amazon RDS.
module "database" {
  source  = "terraform-aws-modules/rds/aws"
  version = "~> 6.10"

  identifier           = "${{ values.name }}-${{ values.environment }}"
  engine               = "postgres"
  engine_version       = "${{ values.database.version }}"
  family               = "postgres${{ values.database.version }}"
  major_engine_version = "${{ values.database.version }}"
  instance_class       = "${{ instance_classes[values.database.size] }}"
  allocated_storage    = ${{ storage_gib[values.database.size] }}

  db_name                     = "${{ values.database.name }}"
  username                    = "${{ values.database.name }}_owner"
  manage_master_user_password = true

  multi_az                = ${{ values.multiAz }}
  backup_retention_period = ${{ values.backupRetentionDays }}
  deletion_protection     = ${{ values.environment == 'production' }}

  tags = {
    service     = "${{ values.name }}"
    owner       = "${{ values.owner }}"
    environment = "${{ values.environment }}"
  }
}

output "endpoint" {
  value = module.database.db_instance_endpoint
}
