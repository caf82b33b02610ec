import { useEffect, useRef } from 'react';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { html } from '@codemirror/lang-html';
import { jinja } from '@codemirror/lang-jinja';
import { lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import { EditorView, keymap, lineNumbers } from '@codemirror/view';

/** A place the engine found wrong, 1-based as its messages count (line, column in characters). */
export interface Mark {
  line: number;
  column: number;
  message: string;
}

interface CodeEditorProps {
  /** Names the editor for screen readers and tests. */
  label: string;
  value: string;
  onChange: (value: string) => void;
  /** HTML templates get HTML highlighting inside Jinja; text templates Jinja alone. */
  language: 'html' | 'text';
  mark: Mark | null;
  singleLine?: boolean;
}

/** The offset of a line and column (characters; CodeMirror counts UTF-16 units, like JavaScript). */
function offsetOf(state: EditorState, mark: Mark): { from: number; to: number } {
  const lineNumber = Math.min(Math.max(mark.line, 1), state.doc.lines);
  const line = state.doc.line(lineNumber);
  const chars = Array.from(line.text);
  const before = chars.slice(0, Math.max(mark.column - 1, 0)).join('').length;
  const from = line.from + Math.min(before, line.length);
  // The word at the mark, or one character, so the underline is visible.
  const rest = line.text.slice(from - line.from);
  const word = /^[\w.]+/.exec(rest)?.[0].length ?? 1;
  return { from, to: Math.min(from + Math.max(word, 1), line.to) };
}

/**
 * A real code editor (CodeMirror 6) for the advanced way of writing a message: Jinja highlighting
 * (over HTML for the HTML part), line numbers, undo, and the engine's error marked where it is.
 */
export function CodeEditor({ label, value, onChange, language, mark, singleLine = false }: CodeEditorProps) {
  const host = useRef<HTMLDivElement | null>(null);
  const view = useRef<EditorView | null>(null);
  const changed = useRef(onChange);
  useEffect(() => {
    changed.current = onChange;
  }, [onChange]);

  useEffect(() => {
    if (!host.current) return;
    const editor = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: value,
        extensions: [
          singleLine ? [] : lineNumbers(),
          history(),
          keymap.of([...defaultKeymap, ...historyKeymap]),
          language === 'html' ? jinja({ base: html({ autoCloseTags: false }) }) : jinja(),
          lintGutter(),
          EditorView.lineWrapping,
          EditorView.contentAttributes.of({ 'aria-label': label, spellcheck: 'false' }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) changed.current(update.state.doc.toString());
          }),
          singleLine ? EditorState.transactionFilter.of((tr) => (tr.newDoc.lines > 1 ? [] : tr)) : [],
        ],
      }),
    });
    view.current = editor;
    return () => {
      editor.destroy();
      view.current = null;
    };
    // The editor is made once; later values arrive through the effect below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [language, label, singleLine]);

  // A value changed from outside (another language chosen, a reset) replaces the text.
  useEffect(() => {
    const editor = view.current;
    if (editor && editor.state.doc.toString() !== value) {
      editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: value } });
    }
  }, [value]);

  useEffect(() => {
    const editor = view.current;
    if (!editor) return;
    const diagnostics: Diagnostic[] = mark
      ? [{ ...offsetOf(editor.state, mark), severity: 'error', message: mark.message }]
      : [];
    editor.dispatch(setDiagnostics(editor.state, diagnostics));
  }, [mark, value]);

  return (
    <div
      className={`code-editor${mark ? ' code-editor--error' : ''}`}
      data-testid={`code-${label}`}
      data-error-line={mark?.line ?? ''}
      ref={host}
    />
  );
}
