//! The bytes of a data set as the walk reads them.
//!
//! Three layers, innermost first:
//! - [`Streamed`] or [`Seekable`]: the file. Both can pass over bytes
//!   ([`Skip`]); a stream reads and drops them, a seekable file (the page's
//!   blob, a file on disk) moves on without reading — so the page checks a
//!   gigabyte file's whole structure while reading only its headers.
//! - [`Prefixed`]: bytes read ahead (past the file meta group), then the
//!   file.
//! - [`Feed`]: what the parser reads. It counts the bytes delivered, can
//!   show the walk the next bytes before the parser reads them
//!   ([`Feed::peek`]), and hands the parser bytes passed over without
//!   reading them ([`Feed::pass`]): dicom-parser skips a value by copying
//!   it into a sink, and never looks at what it copies.

use std::io::{self, Read, Seek, SeekFrom};

/// A source that can pass over bytes.
pub(super) trait Skip: Read {
    /// Passes over the next `n` bytes; returns how many there were (fewer
    /// only at the end).
    fn skip(&mut self, n: u64) -> io::Result<u64>;
}

/// A stream: bytes passed over are read and dropped.
pub(super) struct Streamed<R>(pub R);

impl<R: Read> Read for Streamed<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read(buf)
    }
}

impl<R: Read> Skip for Streamed<R> {
    fn skip(&mut self, n: u64) -> io::Result<u64> {
        io::copy(&mut (&mut self.0).take(n), &mut io::sink())
    }
}

/// A seekable file of `len` bytes, read from its start: bytes passed over
/// are not read. Never moves past `len`.
pub(super) struct Seekable<R> {
    inner: R,
    pos: u64,
    len: u64,
}

impl<R> Seekable<R> {
    /// `inner` at its start, `len` bytes long.
    pub(super) fn new(inner: R, len: u64) -> Self {
        Seekable { inner, pos: 0, len }
    }
}

impl<R: Read> Read for Seekable<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl<R: Read + Seek> Skip for Seekable<R> {
    fn skip(&mut self, n: u64) -> io::Result<u64> {
        let k = n.min(self.len.saturating_sub(self.pos));
        if k > 0 {
            self.inner.seek(SeekFrom::Current(
                i64::try_from(k).map_err(io::Error::other)?,
            ))?;
            self.pos += k;
        }
        Ok(k)
    }
}

impl<S: Skip + ?Sized> Skip for Box<S> {
    fn skip(&mut self, n: u64) -> io::Result<u64> {
        (**self).skip(n)
    }
}

/// Bytes already read (`head`, from `at`), then `inner`.
pub(super) struct Prefixed<S> {
    head: Vec<u8>,
    at: usize,
    inner: S,
}

impl<S> Prefixed<S> {
    pub(super) fn new(head: Vec<u8>, inner: S) -> Self {
        Prefixed { head, at: 0, inner }
    }
}

impl<S: Read> Read for Prefixed<S> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let rest = self.head.get(self.at..).unwrap_or_default();
        if rest.is_empty() {
            return self.inner.read(buf);
        }
        let n = rest.len().min(buf.len());
        buf[..n].copy_from_slice(&rest[..n]);
        self.at += n;
        Ok(n)
    }
}

impl<S: Skip> Skip for Prefixed<S> {
    fn skip(&mut self, n: u64) -> io::Result<u64> {
        let rest = self.head.len().saturating_sub(self.at) as u64;
        let from_head = n.min(rest);
        self.at += from_head as usize;
        Ok(from_head + self.inner.skip(n - from_head)?)
    }
}

/// The walk's message for a data set that inflates beyond the limit.
pub(super) const INFLATED_TOO_LARGE: &str =
    "the data set inflates beyond the largest file accepted";

/// The error for a parser reading bytes the walk read ahead.
const READ_AHEAD: &str = "a value of VR UN with undefined length where a value was expected";

/// What the parser reads: counted, with a look ahead, and values passed
/// over without reading them where the file allows it.
pub(super) struct Feed<'r> {
    inner: Box<dyn Skip + 'r>,
    /// Bytes of the data set delivered or passed over so far.
    pub(super) read: u64,
    /// The source ran dry.
    pub(super) eof: bool,
    /// More than this many bytes is an error (a deflated data set may not
    /// inflate beyond the largest file accepted).
    pub(super) cap: u64,
    /// Bytes read for [`Feed::peek`], handed out first.
    peeked: Vec<u8>,
    /// Bytes passed over that the parser is still to be handed.
    passing: u64,
    /// Bytes the walk read past the parser ([`Feed::read_ahead`]), which
    /// the parser is to pass over next.
    ahead: u64,
}

impl<'r> Feed<'r> {
    pub(super) fn new(inner: Box<dyn Skip + 'r>, cap: u64) -> Self {
        Feed {
            inner,
            read: 0,
            eof: false,
            cap,
            peeked: Vec::new(),
            passing: 0,
            ahead: 0,
        }
    }

    fn count(&mut self, n: u64) -> io::Result<()> {
        self.read += n;
        if self.read > self.cap {
            return Err(io::Error::other(INFLATED_TOO_LARGE));
        }
        Ok(())
    }

    /// The next `n` bytes (fewer at the end), without consuming them.
    pub(super) fn peek(&mut self, n: usize) -> io::Result<&[u8]> {
        while self.peeked.len() < n && !self.eof && self.ahead == 0 {
            let mut buf = [0u8; 16];
            let want = (n - self.peeked.len()).min(buf.len());
            let got = self.inner.read(&mut buf[..want])?;
            if got == 0 {
                self.eof = true;
            }
            self.count(got as u64)?;
            self.peeked.extend_from_slice(&buf[..got]);
        }
        Ok(&self.peeked[..n.min(self.peeked.len())])
    }

    /// Passes over the next `n` bytes, which the parser is about to skip:
    /// its next reads (up to `n` bytes, fewer where the file ends) are
    /// answered without reading. The buffer the parser reads into is left
    /// as it was: it drops what it skips unseen.
    pub(super) fn pass(&mut self, n: u64) -> io::Result<()> {
        let from_peek = n.min(self.peeked.len() as u64);
        self.peeked.drain(..from_peek as usize);
        let from_ahead = (n - from_peek).min(self.ahead);
        self.ahead -= from_ahead;
        let rest = n - from_peek - from_ahead;
        let skipped = self.inner.skip(rest)?;
        if skipped < rest {
            self.eof = true;
        }
        self.count(skipped)?;
        self.passing += from_peek + from_ahead + skipped;
        Ok(())
    }

    /// Takes the next `n` peeked bytes out of the stream: the walk reads
    /// them itself (a header it rewrites and [`Feed::put_back`]s).
    pub(super) fn take_peeked(&mut self, n: usize) -> Vec<u8> {
        self.peeked.drain(..n.min(self.peeked.len())).collect()
    }

    /// Puts `bytes` in front of the stream.
    pub(super) fn put_back(&mut self, bytes: &[u8]) {
        self.peeked.splice(0..0, bytes.iter().copied());
    }

    /// Reads the next bytes for the walk, past the parser: the parser is
    /// to pass over them next ([`Feed::pass`]). `false` if the file ends
    /// first.
    pub(super) fn read_ahead(&mut self, buf: &mut [u8]) -> io::Result<bool> {
        let from_peek = buf.len().min(self.peeked.len());
        buf[..from_peek].copy_from_slice(&self.peeked[..from_peek]);
        self.peeked.drain(..from_peek);
        let got = read_up_to(&mut self.inner, &mut buf[from_peek..])?;
        self.count(got as u64)?;
        let filled = from_peek + got;
        self.eof |= filled < buf.len();
        self.ahead += filled as u64;
        Ok(filled == buf.len())
    }

    /// Passes over the next `n` bytes for the walk, past the parser, as
    /// [`Feed::read_ahead`]. `false` if the file ends first.
    pub(super) fn skip_ahead(&mut self, n: u64) -> io::Result<bool> {
        let from_peek = n.min(self.peeked.len() as u64);
        self.peeked.drain(..from_peek as usize);
        let skipped = self.inner.skip(n - from_peek)?;
        self.count(skipped)?;
        self.ahead += from_peek + skipped;
        if skipped < n - from_peek {
            self.eof = true;
            return Ok(false);
        }
        Ok(true)
    }

    /// Whether every byte from here to the end is zero; reads them all.
    pub(super) fn rest_is_zero(&mut self) -> io::Result<bool> {
        let mut zero = self.peeked.iter().all(|&b| b == 0);
        self.peeked.clear();
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = self.inner.read(&mut buf)?;
            if n == 0 {
                self.eof = true;
                return Ok(zero);
            }
            self.count(n as u64)?;
            zero &= buf[..n].iter().all(|&b| b == 0);
        }
    }
}

impl Read for Feed<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.passing > 0 {
            let n = usize::try_from(self.passing).map_or(buf.len(), |p| p.min(buf.len()));
            self.passing -= n as u64;
            return Ok(n);
        }
        if !self.peeked.is_empty() {
            let n = self.peeked.len().min(buf.len());
            buf[..n].copy_from_slice(&self.peeked[..n]);
            self.peeked.drain(..n);
            return Ok(n);
        }
        if self.ahead > 0 {
            // Bytes the walk read ahead are only ever passed over.
            return Err(io::Error::other(READ_AHEAD));
        }
        let n = self.inner.read(buf)?;
        if n == 0 {
            self.eof = true;
        }
        self.count(n as u64)?;
        Ok(n)
    }
}

/// A [`Feed`] shared between the parser, which reads it, and the walk,
/// which peeks and passes between the parser's reads.
pub(super) struct Shared<'a, 'r>(pub &'a std::cell::RefCell<Feed<'r>>);

impl Read for Shared<'_, '_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.borrow_mut().read(buf)
    }
}

/// Reads until `buf` is full or the source ends; returns how much was read.
pub(super) fn read_up_to<R: Read>(r: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match r.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn feed(bytes: &[u8], seekable: bool) -> Feed<'_> {
        let inner: Box<dyn Skip> = if seekable {
            Box::new(Seekable::new(io::Cursor::new(bytes), bytes.len() as u64))
        } else {
            Box::new(Streamed(bytes))
        };
        Feed::new(Box::new(Prefixed::new(vec![1, 2], inner)), u64::MAX)
    }

    #[test]
    fn peeked_and_passed_bytes_reach_the_parser_in_order() {
        let data: Vec<u8> = (10..40).collect();
        for seekable in [false, true] {
            let mut f = feed(&data, seekable);
            assert_eq!(f.peek(4).unwrap(), [1, 2, 10, 11]);
            let mut b = [0u8; 3];
            assert_eq!(f.read(&mut b).unwrap(), 3);
            assert_eq!(b, [1, 2, 10]);
            // Passing 5: 11 from the look ahead, 12..=15 from the file.
            f.pass(5).unwrap();
            let mut sink = [0xaa; 8];
            assert_eq!(f.read(&mut sink).unwrap(), 5);
            assert_eq!(f.read(&mut b).unwrap(), 3);
            assert_eq!(b, [16, 17, 18]);
            assert_eq!(f.read, 11);
            // Passing beyond the end hands over what there was.
            f.pass(100).unwrap();
            assert!(f.eof);
            let mut big = [0u8; 64];
            assert_eq!(f.read(&mut big).unwrap(), 21);
            assert_eq!(f.read(&mut big).unwrap(), 0);
            assert_eq!(f.read, 32);
        }
    }

    /// The CP-246 path: the walk takes a header out, reads past the parser,
    /// puts the header back rewritten; the parser then reads the header
    /// and passes over what the walk read, then reads on in order.
    #[test]
    fn bytes_read_ahead_are_passed_over_after_the_header_put_back() {
        let data: Vec<u8> = (0..40).collect();
        for seekable in [false, true] {
            let mut f = feed(&data, seekable);
            assert_eq!(f.peek(4).unwrap(), [1, 2, 0, 1]);
            let header = f.take_peeked(4);
            let mut h = [0u8; 3];
            assert!(f.read_ahead(&mut h).unwrap());
            assert_eq!(h, [2, 3, 4]);
            assert!(f.skip_ahead(5).unwrap());
            f.put_back(&[9, 9, 9, 9]);
            let mut b = [0u8; 4];
            assert_eq!(f.read(&mut b).unwrap(), 4);
            assert_eq!((b, header), ([9; 4], vec![1, 2, 0, 1]));
            // Reading the bytes read ahead instead of passing them is an error.
            assert!(f.read(&mut b).is_err());
            f.pass(8).unwrap();
            let mut sink = [0u8; 8];
            assert_eq!(f.read(&mut sink).unwrap(), 8);
            assert_eq!(f.read(&mut b).unwrap(), 4);
            assert_eq!(b, [10, 11, 12, 13]);
            // Past the end: skip_ahead says so.
            assert!(!f.skip_ahead(100).unwrap());
            assert_eq!(f.read, 42);
        }
    }

    #[test]
    fn the_rest_is_zero_or_not() {
        assert!(feed(&[], true).peek(4).unwrap() == [1, 2]);
        let mut z = Feed::new(Box::new(Streamed(&[0u8; 70_000][..])), u64::MAX);
        assert_eq!(z.peek(4).unwrap(), [0; 4]);
        assert!(z.rest_is_zero().unwrap());
        let mut tail = vec![0u8; 70_000];
        tail[69_999] = 1;
        let mut nz = Feed::new(Box::new(Streamed(&tail[..])), u64::MAX);
        assert!(!nz.rest_is_zero().unwrap());
    }
}
