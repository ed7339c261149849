//! `cli-p3`: a `wasi:cli/run@0.3` command whose imports are all WASI, for `run()` and
//! `terrarium run`. It copies stdin to stdout upper-cased, chunk by chunk as it arrives, through
//! `read-via-stream` and `write-via-stream`, writes its arguments to stderr, and then:
//! `EXIT_CODE=N` calls `exit-with-code(N)`; `FAIL=1` returns `err`; otherwise `ok`.

use std::future::IntoFuture;

use wasip3::cli::{environment, exit, stderr, stdin, stdout};
use wasip3::{wit_bindgen::StreamResult, wit_stream};

struct Command;

wasip3::cli::command::export!(Command);

impl wasip3::exports::cli::run::Guest for Command {
    async fn run() -> Result<(), ()> {
        let (mut input, _) = stdin::read_via_stream();
        let (mut tx, rx) = wit_stream::new();
        let (copied, ()) = futures::join!(stdout::write_via_stream(rx).into_future(), async {
            loop {
                let (result, chunk) = input.read(Vec::with_capacity(4096)).await;
                if !chunk.is_empty() && !tx.write_all(chunk.to_ascii_uppercase()).await.is_empty() {
                    break;
                }
                if !matches!(result, StreamResult::Complete(_)) {
                    break;
                }
            }
            drop(tx);
        });
        copied.map_err(|_| ())?;
        let (mut tx, rx) = wit_stream::new();
        let args = format!("args: {}\n", environment::get_arguments().join(" "));
        let (said, ()) = futures::join!(stderr::write_via_stream(rx).into_future(), async {
            tx.write_all(args.into_bytes()).await;
            drop(tx);
        });
        said.map_err(|_| ())?;
        let env = environment::get_environment();
        let var = |name: &str| env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        if let Some(code) = var("EXIT_CODE").and_then(|v| v.parse().ok()) {
            exit::exit_with_code(code);
        }
        if var("FAIL").is_some() {
            return Err(());
        }
        Ok(())
    }
}
