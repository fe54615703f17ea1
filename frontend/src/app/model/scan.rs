//! Choosing files and what the scan worker reports back.

use std::collections::HashSet;
use std::rc::Rc;

use super::types::{problem, Effect, Step};
use super::Model;
use crate::app::text::Text;
use crate::tree::FileRef;
use crate::worker::protocol::{IgnoreReason, Ignored, ScanReport};

impl Model {
    pub(super) fn chosen(
        &mut self,
        files: Vec<(FileRef, String)>,
        unreadable: Vec<String>,
        fx: &mut Vec<Effect>,
    ) {
        if files.is_empty() && unreadable.is_empty() {
            self.fail(vec![problem("", Text::id("choose-nothing"))], fx);
            return;
        }
        // What the browser could not hand over is listed, not lost.
        Rc::make_mut(&mut self.scanned).merge(ScanReport {
            ignored: unreadable
                .into_iter()
                .map(|path| Ignored {
                    path,
                    size: 0,
                    reason: IgnoreReason::Unreadable,
                })
                .collect(),
            ..ScanReport::default()
        });
        if files.is_empty() {
            if self.scans_pending == 0 {
                self.scans_done(fx);
            }
            return;
        }
        let Some(limits) = self.session.as_ref().map(|s| s.limits) else {
            return;
        };
        let count = files.len();
        fx.push(Effect::Scan {
            files,
            max_file_bytes: limits.max_file_bytes,
            unpack_budget: limits.max_session_bytes,
        });
        self.scans_pending += 1;
        self.problems.clear();
        self.scanning = Some((0, count as u32));
        self.say(Text::with(
            "announce-scanning",
            vec![("files", count.into())],
        ));
    }

    pub(super) fn scanned(&mut self, report: ScanReport<FileRef>, fx: &mut Vec<Effect>) {
        Rc::make_mut(&mut self.scanned).merge(report);
        self.scans_pending = self.scans_pending.saturating_sub(1);
        if self.scans_pending == 0 {
            self.scans_done(fx);
        }
    }

    pub(super) fn scan_failed(&mut self, fx: &mut Vec<Effect>) {
        self.scanning = None;
        self.scans_pending = 0;
        self.fail(vec![problem("", Text::id("scan-failed"))], fx);
    }

    /// Every scan has reported: show what was found and say so.
    fn scans_done(&mut self, fx: &mut Vec<Effect>) {
        self.scanning = None;
        let studies: HashSet<&str> = self
            .scanned
            .summaries()
            .map(|s| s.study_instance_uid.as_str())
            .collect();
        let text = Text::with(
            "announce-scanned",
            vec![
                ("images", self.scanned.found.len().into()),
                ("studies", studies.len().into()),
                ("ignored", self.scanned.ignored.len().into()),
            ],
        );
        self.go(Step::Check, fx);
        self.say(text);
    }
}
