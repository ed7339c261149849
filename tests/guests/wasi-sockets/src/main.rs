//! `wasi-sockets`: a command that tries what a browser cannot do (connect, listen, bind UDP,
//! resolve a name) and checks each attempt fails with an error rather than crashing or hanging.
//! Prints one line per attempt; exits 0 only when every attempt failed cleanly.

use std::net::{TcpListener, TcpStream, ToSocketAddrs, UdpSocket};

fn main() {
    let attempts: [(&str, std::io::Result<()>); 4] = [
        ("tcp connect", TcpStream::connect("127.0.0.1:9").map(drop)),
        ("tcp listen", TcpListener::bind("127.0.0.1:0").map(drop)),
        ("udp bind", UdpSocket::bind("127.0.0.1:0").map(drop)),
        ("resolve", ("example.com", 80).to_socket_addrs().map(drop)),
    ];
    let mut all_failed = true;
    for (what, outcome) in attempts {
        match outcome {
            Ok(()) => {
                println!("{what}: unexpectedly succeeded");
                all_failed = false;
            }
            Err(err) => println!("{what}: failed: {:?}", err.kind()),
        }
    }
    std::process::exit(if all_failed { 0 } else { 1 });
}
