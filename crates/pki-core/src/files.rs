//! File effects: outputs appear whole or not at all, and never replace what exists.
//!
//! [`write_new`] writes to a temporary file in the destination's folder (created with
//! `O_EXCL` and its final mode, 0600 for private keys, from the first byte, whatever the
//! umask), syncs it, and hard-links it into place: `link(2)` fails when the destination
//! exists, even as a dangling symlink, so nothing is overwritten or followed. A process killed
//! at any point leaves the destination absent or complete; at worst a temporary
//! `.NAME.pki-tmp.*` file remains, which [`remove_stale_temps`] clears.

use std::{
    fs::{self, File, OpenOptions},
    io::{self, Read, Write},
    os::unix::fs::OpenOptionsExt,
    path::{Path, PathBuf},
    sync::atomic::{AtomicU64, Ordering},
};

use crate::error::{Error, IoOp, Result};

/// The largest file pki reads: far above any certificate, key or config.
pub const MAX_INPUT: u64 = 16 * 1024 * 1024;

/// Who may read an output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// 0600: private keys.
    Private,
    /// 0644: certificates, CSRs, configuration.
    Public,
}

impl Mode {
    fn bits(self) -> u32 {
        match self {
            Mode::Private => 0o600,
            Mode::Public => 0o644,
        }
    }
}

fn io(op: IoOp, path: &Path) -> impl FnOnce(io::Error) -> Error + '_ {
    move |source| Error::Io {
        op,
        path: path.to_owned(),
        source,
    }
}

/// Reads a whole file, refusing folders and files over [`MAX_INPUT`].
pub fn read(path: &Path) -> Result<Vec<u8>> {
    let file = File::open(path).map_err(io(IoOp::Read, path))?;
    let meta = file.metadata().map_err(io(IoOp::Read, path))?;
    if meta.is_dir() {
        return Err(Error::Io {
            op: IoOp::Read,
            path: path.to_owned(),
            source: io::Error::new(io::ErrorKind::IsADirectory, "is a folder"),
        });
    }
    read_stream(file, path)
}

/// Reads a stream (standard input, say) to its end, refusing more than [`MAX_INPUT`] bytes
/// without reading past that; `path` names the stream in errors.
pub fn read_stream(stream: impl Read, path: &Path) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    stream
        .take(MAX_INPUT + 1)
        .read_to_end(&mut buf)
        .map_err(io(IoOp::Read, path))?;
    if buf.len() as u64 > MAX_INPUT {
        return Err(Error::Io {
            op: IoOp::Read,
            path: path.to_owned(),
            source: io::Error::new(
                io::ErrorKind::FileTooLarge,
                format!("larger than {} MiB", MAX_INPUT >> 20),
            ),
        });
    }
    Ok(buf)
}

fn temp_path(dest: &Path) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    dest.with_file_name(format!(".{name}.pki-tmp.{}.{n}", std::process::id()))
}

/// Writes `bytes` to a fresh temporary file next to `dest` and returns its path.
fn write_temp(dest: &Path, bytes: &[u8], mode: Mode) -> Result<PathBuf> {
    let tmp = temp_path(dest);
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode.bits())
        .custom_flags(libc_o_nofollow())
        .open(&tmp)
        .map_err(io(IoOp::Create, &tmp))?;
    let result = (|| {
        // The umask may have narrowed the mode (never widened it); set it exactly.
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(fs::Permissions::from_mode(mode.bits()))
            .map_err(io(IoOp::Write, &tmp))?;
        file.write_all(bytes).map_err(io(IoOp::Write, &tmp))?;
        file.sync_all().map_err(io(IoOp::Sync, &tmp))
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    Ok(tmp)
}

/// `O_NOFOLLOW`: the temporary name is ours, but never follow a link planted there.
fn libc_o_nofollow() -> i32 {
    #[cfg(target_os = "linux")]
    {
        0o400000
    }
    #[cfg(not(target_os = "linux"))]
    {
        0
    }
}

fn sync_dir(dir: &Path) {
    // Best effort: a folder that cannot be opened for sync still holds the file.
    if let Ok(d) = File::open(if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    }) {
        let _ = d.sync_all();
    }
}

/// Creates `dest` with `bytes`, whole or not at all, never replacing an existing file.
pub fn write_new(dest: &Path, bytes: &[u8], mode: Mode) -> Result<()> {
    if fs::symlink_metadata(dest).is_ok() {
        return Err(Error::Exists {
            path: dest.to_owned(),
        });
    }
    let tmp = write_temp(dest, bytes, mode)?;
    let linked = fs::hard_link(&tmp, dest);
    let _ = fs::remove_file(&tmp);
    match linked {
        Ok(()) => {
            sync_dir(dest.parent().unwrap_or(Path::new(".")));
            Ok(())
        }
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(Error::Exists {
            path: dest.to_owned(),
        }),
        Err(source) => Err(Error::Io {
            op: IoOp::Link,
            path: dest.to_owned(),
            source,
        }),
    }
}

/// Replaces `dest` atomically with `bytes` (for files that are meant to be rewritten, such as
/// a serial file or openssl.conf). A symlink at `dest` is replaced, not followed.
pub fn replace(dest: &Path, bytes: &[u8], mode: Mode) -> Result<()> {
    if fs::metadata(dest).is_ok_and(|m| m.is_dir()) {
        return Err(Error::Io {
            op: IoOp::Write,
            path: dest.to_owned(),
            source: io::Error::new(io::ErrorKind::IsADirectory, "is a folder"),
        });
    }
    let tmp = write_temp(dest, bytes, mode)?;
    if let Err(source) = fs::rename(&tmp, dest) {
        let _ = fs::remove_file(&tmp);
        return Err(Error::Io {
            op: IoOp::Link,
            path: dest.to_owned(),
            source,
        });
    }
    sync_dir(dest.parent().unwrap_or(Path::new(".")));
    Ok(())
}

/// Creates `dir` (and its parents) with mode 0700 if it does not exist.
pub fn ensure_dir(dir: &Path) -> Result<()> {
    if dir.as_os_str().is_empty() || dir.is_dir() {
        return Ok(());
    }
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(io(IoOp::CreateDir, dir))
}

use std::os::unix::fs::DirBuilderExt;

/// Removes temporary files that a killed run of pki left in `dir`.
pub fn remove_stale_temps(dir: &Path) {
    let Ok(entries) = fs::read_dir(if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    }) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') && name.contains(".pki-tmp.") {
            let _ = fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn tempdir(tag: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("pki-files-{tag}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&d);
        fs::create_dir_all(&d).expect("tempdir");
        d
    }

    #[test]
    fn write_new_never_overwrites_and_sets_mode() {
        let d = tempdir("new");
        let p = d.join("k.key");
        write_new(&p, b"secret", Mode::Private).expect("first write");
        assert_eq!(
            fs::metadata(&p).expect("meta").permissions().mode() & 0o777,
            0o600
        );
        assert!(matches!(
            write_new(&p, b"other", Mode::Private),
            Err(Error::Exists { .. })
        ));
        assert_eq!(fs::read(&p).expect("read"), b"secret");
        let link = d.join("link.key");
        std::os::unix::fs::symlink(d.join("target"), &link).expect("symlink");
        assert!(matches!(
            write_new(&link, b"x", Mode::Private),
            Err(Error::Exists { .. })
        ));
        assert!(!d.join("target").exists());
        assert_eq!(
            fs::read_dir(&d).expect("ls").count(),
            2,
            "no temporary file left"
        );
        fs::remove_dir_all(&d).expect("cleanup");
    }

    #[test]
    fn read_refuses_folders_and_names_missing_files() {
        let d = tempdir("read");
        assert!(matches!(read(&d), Err(Error::Io { op: IoOp::Read, .. })));
        let missing = d.join("missing");
        match read(&missing) {
            Err(Error::Io { path, source, .. }) => {
                assert_eq!(path, missing);
                assert_eq!(source.kind(), io::ErrorKind::NotFound);
            }
            other => panic!("unexpected {other:?}"),
        }
        fs::remove_dir_all(&d).expect("cleanup");
    }
}
