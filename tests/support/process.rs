//! Child processes of the tests: waited for with a time limit, their output read meanwhile
//! (a pipe nobody reads would stall a chatty child).

use std::io::Read;
use std::process::{Child, ExitStatus};
use std::time::{Duration, Instant};

/// Waits for a child to end, reading its stdout (unless taken) and stderr meanwhile; kills it
/// and fails the test after `limit`.
pub fn wait_with_limit(mut child: Child, limit: Duration) -> (ExitStatus, Vec<u8>, String) {
    let mut out = child.stdout.take();
    let mut err = child.stderr.take().expect("stderr piped");
    let out_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(o) = out.as_mut() {
            let _ = o.read_to_end(&mut buf);
        }
        buf
    });
    let err_reader = std::thread::spawn(move || {
        let mut buf = String::new();
        let _ = err.read_to_string(&mut buf);
        buf
    });
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "khabar did not exit within {limit:?}; stderr: {}",
                err_reader.join().unwrap()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    (
        status,
        out_reader.join().unwrap(),
        err_reader.join().unwrap(),
    )
}
