/**
 * Positions between the Language Server Protocol and the core. LSP counts 0-based lines and
 * 0-based columns in UTF-16 code units (the only encoding every client supports); the core counts
 * 1-based lines and 1-based columns in characters (Unicode code points). A character outside the
 * Basic Multilingual Plane is one core column and two LSP units.
 */
import type { Position, Range } from 'vscode-languageserver';

/** The core's position and span shapes (src/lsp/cursor.rs, src/error.rs `Span`). */
export interface CorePosition {
  line: number;
  column: number;
}
export interface CoreSpan {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** The text of each line of `text`, without line breaks (`\r\n`, `\n` or `\r`, as LSP splits). */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/** 1-based core column on `line` → 0-based UTF-16 offset; columns past the end stay past it. */
export function columnToUtf16(line: string, column: number): number {
  let units = 0;
  let points = 0;
  for (const char of line) {
    if (points >= column - 1) return units;
    units += char.length;
    points += 1;
  }
  return units + Math.max(0, column - 1 - points);
}

/** 0-based UTF-16 offset on `line` → 1-based core column (inside a surrogate pair: its start). */
export function utf16ToColumn(line: string, character: number): number {
  let units = 0;
  let points = 0;
  for (const char of line) {
    if (units + char.length > character) return points + 1;
    units += char.length;
    points += 1;
  }
  return points + 1 + Math.max(0, character - units);
}

/** Converts positions for one text, splitting it into lines once. */
export class PositionMap {
  private readonly lines: string[];

  constructor(text: string) {
    this.lines = splitLines(text);
  }

  private line(index: number): string {
    return this.lines[index] ?? '';
  }

  toCore(position: Position): CorePosition {
    return { line: position.line + 1, column: utf16ToColumn(this.line(position.line), position.character) };
  }

  toLsp(line: number, column: number): Position {
    return { line: line - 1, character: columnToUtf16(this.line(line - 1), column) };
  }

  rangeToLsp(span: CoreSpan): Range {
    return { start: this.toLsp(span.line, span.column), end: this.toLsp(span.endLine, span.endColumn) };
  }

  rangeToCore(range: Range): CoreSpan {
    const start = this.toCore(range.start);
    const end = this.toCore(range.end);
    return { line: start.line, column: start.column, endLine: end.line, endColumn: end.column };
  }
}
