//! A reader that stays at its end once it has reached it (a terminal's Ctrl-D).

use std::io::{self, Read};

/// A reader that stays at its end once it has reached it. A terminal reports its end
/// (Ctrl-D) once and then reads on: without this, every look at the end after the first
/// would wait for another Ctrl-D.
pub(super) struct Fused<R> {
    inner: R,
    ended: bool,
}

impl<R: Read> Fused<R> {
    pub(super) fn new(inner: R) -> Fused<R> {
        Fused {
            inner,
            ended: false,
        }
    }
}

impl<R: Read> Read for Fused<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.ended || buf.is_empty() {
            return Ok(0);
        }
        let n = self.inner.read(buf)?;
        self.ended = n == 0;
        Ok(n)
    }
}
