import { judgeContent, mediaKindOf } from '../../src/uploads/content-type';
import { fileIdsIn, fitsKinds } from '../../src/uploads/media-fields';
import { ELF, HTML, HTML_AFTER_TEXT, PE, SHELL, SVG_PLAIN, SVG_WITH_SCRIPT, TEXT } from '../helpers/sample-files';

describe('judgeContent: the bytes decide, not the name or the declared type', () => {
  test.each([
    ['ELF', ELF, undefined, 'photo.jpg'],
    ['ELF detected', Buffer.from('x'), 'application/x-elf', 'a.png'],
    ['PE', PE, 'application/x-msdownload', 'report.pdf'],
    ['MZ header alone', Buffer.from('MZ\x90\x00'), undefined, 'notes.txt'],
    ['Mach-O', Buffer.from([0xcf, 0xfa, 0xed, 0xfe, 7, 0, 0, 1]), undefined, 'a.png'],
    ['shell script', SHELL, undefined, 'notes.txt'],
    [
      'script after a BOM and blank lines',
      Buffer.from('\ufeff\n\n#!/usr/bin/env python3\nprint(1)\n'),
      undefined,
      'a.csv',
    ],
    ['HTML', HTML, undefined, 'cover.png'],
    ['HTML after text', HTML_AFTER_TEXT, undefined, 'notes.txt'],
    ['upper-case markup', Buffer.from('hello\n<SCRIPT src=x></SCRIPT>'), undefined, 'notes.txt'],
    ['SVG with script', SVG_WITH_SCRIPT, 'application/xml', 'logo.png'],
    ['SVG without script', SVG_PLAIN, undefined, 'logo.svg'],
    ['SVG detected', Buffer.from('x'), 'image/svg+xml', 'logo.png'],
  ])('%s is dangerous', (_name, head, detectedMime, fileName) => {
    expect(judgeContent({ head, detectedMime, fileName })).toMatchObject({
      accepted: false,
      reason: 'dangerous_content',
    });
  });

  test.each([
    ['binary of no known kind', Buffer.from([1, 0, 2, 0]), undefined, 'a.txt'],
    ['an archive', Buffer.from('PK'), 'application/zip', 'files.zip'],
    ['a font', Buffer.from('x'), 'font/woff2', 'a.woff2'],
  ])('%s is not an accepted type', (_name, head, detectedMime, fileName) => {
    expect(judgeContent({ head, detectedMime, fileName })).toMatchObject({
      accepted: false,
      reason: 'file_type_not_allowed',
    });
  });

  test.each([
    ['PNG', 'image/png', 'x.bin', 'image/png'],
    ['MP4', 'video/mp4', 'lecture', 'video/mp4'],
    ['MP3', 'audio/mpeg', 'a.mp3', 'audio/mpeg'],
    ['PDF', 'application/pdf', 'a.pdf', 'application/pdf'],
    [
      'DOCX seen as a zip',
      'application/zip',
      'essay.docx',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    ],
    ['DOC seen as a compound file', 'application/x-cfb', 'essay.doc', 'application/msword'],
  ])('%s is stored with the type its content shows', (_name, detectedMime, fileName, mime) => {
    expect(judgeContent({ head: Buffer.from('binary'), detectedMime, fileName })).toEqual({ accepted: true, mime });
  });

  test('plain text is text/plain, or text/csv when named or declared so', () => {
    expect(judgeContent({ head: TEXT, fileName: 'notes.png', declaredMime: 'image/png' })).toEqual({
      accepted: true,
      mime: 'text/plain',
    });
    expect(judgeContent({ head: Buffer.from('a,b\n1,2\n'), fileName: 'marks.csv' })).toEqual({
      accepted: true,
      mime: 'text/csv',
    });
    expect(judgeContent({ head: Buffer.from('a,b\n1,2\n'), fileName: 'marks', declaredMime: 'text/csv' })).toEqual({
      accepted: true,
      mime: 'text/csv',
    });
    // A word that merely starts like a tag is not markup.
    expect(judgeContent({ head: Buffer.from('<header> and <headline> are words'), fileName: 'a.txt' })).toMatchObject({
      accepted: true,
    });
  });
});

describe('media field kinds', () => {
  test.each([
    ['image/png', 'images'],
    ['video/webm', 'videos'],
    ['audio/ogg', 'audios'],
    ['application/pdf', 'files'],
    ['text/plain', 'files'],
  ])('%s is of the %s kind', (mime, kind) => {
    expect(mediaKindOf(mime)).toBe(kind);
  });

  test('a field with no allowedTypes takes anything; otherwise only its kinds', () => {
    expect(fitsKinds('video/mp4', undefined)).toBe(true);
    expect(fitsKinds('video/mp4', ['files', 'images'])).toBe(false);
    expect(fitsKinds('application/pdf', ['files', 'images'])).toBe(true);
  });

  test.each([
    [7, [7]],
    ['8', [8]],
    [{ id: 9 }, [9]],
    [
      [1, { id: 2 }, '3'],
      [1, 2, 3],
    ],
    [{ connect: [4, { id: 5 }], set: [6] }, [4, 5, 6]],
    [null, []],
    ['abc', []],
    [1.5, []],
  ])('file ids in %j are %j', (value, ids) => {
    expect(fileIdsIn(value)).toEqual(ids);
  });
});
