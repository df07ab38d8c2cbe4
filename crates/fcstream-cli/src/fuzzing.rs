//! Entry points for the `config` fuzz target (`crates/fcstream/fuzz`): the configuration
//! files a deployment writes by hand, `fcstream serve --config` and emulator scripts
//! (`fcstream call --script`), must give a clear error or a configuration, never a panic.
//! Kept here, in the library, so the saved corpus is also replayed as a normal test.

use crate::cmd::serve::Effective;

/// Parses `data` as a `serve` configuration file and as an emulator script. Checks: no panic;
/// an accepted configuration's effective form (`--print-config`) is itself accepted and is a
/// fixpoint (printing what was printed changes nothing); an accepted script either validates
/// or says why not.
pub fn config(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(settings) = Effective::from_toml(text) {
        if let Ok(effective) = settings.to_toml() {
            let again = Effective::from_toml(&effective).unwrap_or_else(|e| {
                panic!("--print-config output does not parse: {e:#}\n{effective}")
            });
            let printed = again
                .to_toml()
                .unwrap_or_else(|e| panic!("--print-config output is refused: {e:#}\n{effective}"));
            assert_eq!(printed, effective, "--print-config is not a fixpoint");
        }
    }
    if let Ok(script) = fcstream_emulator::Script::from_toml(text, None) {
        let _ = script.validate();
    }
}
