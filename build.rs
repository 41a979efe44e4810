// The templates are embedded with include_dir, which cannot tell cargo to watch them on stable Rust.
fn main() {
    println!("cargo:rerun-if-changed=templates");
}
