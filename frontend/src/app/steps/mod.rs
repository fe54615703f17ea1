//! The seven steps, one function component each, with properties holding
//! only their slice of the model and the callbacks they need. They draw;
//! they change nothing themselves (every change is an `Action`).

mod about;
mod check;
mod choose;
mod password;
mod receipt;
mod send;
mod welcome;

pub use about::About;
pub use check::Check;
pub use choose::Choose;
pub use password::Password;
pub use receipt::ReceiptStep;
pub use send::Send;
pub use welcome::Welcome;
