//! The upload page (Trunk builds it with `data-type="main"`).
fn main() {
    mailslot_frontend::app::start();
}
