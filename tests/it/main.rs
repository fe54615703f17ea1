//! Integration tests, compiled as one binary (see `mailslot_tests` for the harness).

mod server;
mod verify;
