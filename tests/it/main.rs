//! Integration tests, compiled as one binary (see `mailslot_tests` for the harness).

mod page;
mod server;
mod verify;
