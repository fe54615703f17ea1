//! The scan worker (Trunk builds it with `data-type="worker"`).
fn main() {
    mailslot_frontend::worker::start();
}
