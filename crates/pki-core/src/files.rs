//! File effects: outputs appear whole or not at all, and never replace what exists.
//!
//! [`write_new`] writes to a temporary file in the destination's folder (created with
//! `O_EXCL` and its final mode, 0600 for private keys, from the first byte, whatever the
//! umask), syncs it, and hard-links it into place: `link(2)` fails when the destination
//! exists, so nothing is overwritten. [`replace`] renames its temporary file over the
//! destination. Both follow a symlink to its target, and write a device, FIFO or stream
//! (`/dev/null`, `/dev/stdout`) through, as OpenSSL does, never replacing it. A process killed
//! at any point leaves the destination absent or complete; interrupted by a signal, the CLI
//! removes its temporary files ([`remove_own_temps`]); killed with SIGKILL, a temporary
//! `.NAME.pki-tmp.PID.N` file remains, which [`remove_stale_temps`] clears once PID is gone.

use std::{
    fs::{self, File, OpenOptions},
    io::{self, Read, Write},
    os::unix::fs::OpenOptionsExt,
    path::{Path, PathBuf},
    sync::{
        Mutex, MutexGuard, PoisonError,
        atomic::{AtomicU64, Ordering},
    },
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
    dest.with_file_name(format!(".{name}{TEMP_MARK}{}.{n}", std::process::id()))
}

/// What names a temporary file: `.NAME.pki-tmp.PID.N`.
const TEMP_MARK: &str = ".pki-tmp.";

/// The temporary files this process has made and not yet linked into place or removed.
static LIVE_TEMPS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn live_temps() -> MutexGuard<'static, Vec<PathBuf>> {
    LIVE_TEMPS.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Removes every temporary file this process has open and keeps them from being made until
/// the returned guard is dropped: a signal handler calls it, then exits holding the guard, so
/// that an interrupted run leaves nothing behind (only SIGKILL can).
pub fn remove_own_temps() -> MutexGuard<'static, Vec<PathBuf>> {
    let mut live = live_temps();
    for p in live.drain(..) {
        let _ = fs::remove_file(p);
    }
    live
}

fn forget_temp(tmp: &Path) {
    live_temps().retain(|p| p != tmp);
}

/// Writes what `fill` writes to a fresh temporary file in `folder_of`'s folder and returns
/// its path; errors name `dest`, the user's path.
fn write_temp(
    dest: &Path,
    folder_of: &Path,
    mode: Mode,
    fill: &mut dyn FnMut(&mut File) -> io::Result<()>,
) -> Result<PathBuf> {
    let tmp = temp_path(folder_of);
    let mut file = {
        let mut live = live_temps();
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode.bits())
            .custom_flags(O_NOFOLLOW)
            .open(&tmp)
            .map_err(io(IoOp::Create, dest))?;
        live.push(tmp.clone());
        file
    };
    let result = (|| {
        // The umask may have narrowed the mode (never widened it); set it exactly.
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(fs::Permissions::from_mode(mode.bits()))
            .map_err(io(IoOp::Write, dest))?;
        fill(&mut file).map_err(io(IoOp::Write, dest))?;
        file.sync_all().map_err(io(IoOp::Sync, dest))
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        forget_temp(&tmp);
        return Err(e);
    }
    Ok(tmp)
}

/// `O_NOFOLLOW`: the temporary name is ours, but never follow a link planted there.
#[cfg(target_os = "linux")]
const O_NOFOLLOW: i32 = 0o400000;
#[cfg(not(target_os = "linux"))]
const O_NOFOLLOW: i32 = 0;

/// `O_NONBLOCK`: opening a FIFO for reading returns at once instead of waiting for a writer.
#[cfg(target_os = "linux")]
const O_NONBLOCK: i32 = 0o4000;
#[cfg(not(target_os = "linux"))]
const O_NONBLOCK: i32 = 0;

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

/// What an output path names, links followed.
#[derive(Debug)]
enum Dest {
    /// Nothing: the file to create (a dangling symlink's target, when it is one).
    Absent(PathBuf),
    /// A regular file (a symlink's target, when it is one).
    Regular(PathBuf),
    /// A device, FIFO or socket, or a stream of this process (`/dev/stdout`, `/proc/self/fd/N`):
    /// written through, as OpenSSL writes it.
    Through,
}

/// Follows `dest`'s symlinks (at most 40, as the kernel does) to what it names.
fn resolve(dest: &Path) -> Result<Dest> {
    let folder = || Error::Io {
        op: IoOp::Write,
        path: dest.to_owned(),
        source: io::Error::new(io::ErrorKind::IsADirectory, "is a folder"),
    };
    let mut p = dest.to_owned();
    for _ in 0..40 {
        if p.starts_with("/proc") || p.starts_with("/dev/fd") {
            return Ok(Dest::Through);
        }
        let meta = match fs::symlink_metadata(&p) {
            Ok(m) => m,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Dest::Absent(p)),
            Err(e) => return Err(io(IoOp::Write, dest)(e)),
        };
        let kind = meta.file_type();
        if kind.is_symlink() {
            let target = fs::read_link(&p).map_err(io(IoOp::Write, dest))?;
            p = if target.is_absolute() {
                target
            } else {
                p.parent().unwrap_or(Path::new("")).join(target)
            };
            continue;
        }
        return if kind.is_file() {
            Ok(Dest::Regular(p))
        } else if kind.is_dir() {
            Err(folder())
        } else {
            Ok(Dest::Through)
        };
    }
    Err(Error::Io {
        op: IoOp::Write,
        path: dest.to_owned(),
        source: io::Error::other("too many levels of symbolic links"),
    })
}

/// Whether writing `dest` would replace a regular file (links followed; a device, FIFO or
/// stream such as `/dev/stdout` is written through, not replaced).
pub fn would_replace(dest: &Path) -> bool {
    matches!(resolve(dest), Ok(Dest::Regular(_)))
}

/// Writes what `fill` writes into what `dest` opens to (a device, FIFO or stream),
/// truncating it as OpenSSL's `fopen(..., "w")` does.
fn write_through(
    dest: &Path,
    fill: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
) -> Result<()> {
    let mut f = OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(dest)
        .map_err(io(IoOp::Write, dest))?;
    fill(&mut f)
        .and_then(|()| f.flush())
        .map_err(io(IoOp::Write, dest))
}

/// Creates `dest` with `bytes`, whole or not at all, never replacing an existing file. A
/// symlink is followed: its target is created (in the target's folder), never replaced; a
/// device, FIFO or stream is written through.
pub fn write_new(dest: &Path, bytes: &[u8], mode: Mode) -> Result<()> {
    let target = match resolve(dest)? {
        Dest::Through => return write_through(dest, &mut |w| w.write_all(bytes)),
        Dest::Regular(_) => {
            return Err(Error::Exists {
                path: dest.to_owned(),
            });
        }
        Dest::Absent(t) => t,
    };
    let tmp = write_temp(dest, &target, mode, &mut |f| f.write_all(bytes))?;
    let linked = fs::hard_link(&tmp, &target);
    let _ = fs::remove_file(&tmp);
    forget_temp(&tmp);
    match linked {
        Ok(()) => {
            sync_dir(target.parent().unwrap_or(Path::new(".")));
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
/// a serial file or openssl.conf). A symlink is followed and its target replaced, atomically
/// in the target's folder; a device, FIFO or stream (`/dev/null`, `/dev/stdout`) is written
/// through, never replaced.
pub fn replace(dest: &Path, bytes: &[u8], mode: Mode) -> Result<()> {
    replace_with(dest, mode, &mut |w| w.write_all(bytes))
}

/// [`replace`] for content too large to hold in memory: `fill` writes it, in pieces, to the
/// temporary file (or straight into a device, FIFO or stream).
pub fn replace_with(
    dest: &Path,
    mode: Mode,
    fill: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
) -> Result<()> {
    let target = match resolve(dest)? {
        Dest::Through => return write_through(dest, fill),
        Dest::Regular(t) | Dest::Absent(t) => t,
    };
    let tmp = write_temp(dest, &target, mode, &mut |f| fill(f))?;
    let renamed = fs::rename(&tmp, &target);
    if renamed.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    forget_temp(&tmp);
    renamed.map_err(|source| Error::Io {
        op: IoOp::Link,
        path: dest.to_owned(),
        source,
    })?;
    sync_dir(target.parent().unwrap_or(Path::new(".")));
    Ok(())
}

/// Reads a file that must be a regular file (a file of a set, which the seed script tests
/// with `[ -f ]`): a FIFO, device or folder there is an error, and opening never blocks.
pub fn read_regular(path: &Path) -> Result<Vec<u8>> {
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(O_NONBLOCK)
        .open(path)
        .map_err(io(IoOp::Read, path))?;
    let meta = file.metadata().map_err(io(IoOp::Read, path))?;
    if !meta.is_file() {
        return Err(not_regular(path, &meta));
    }
    read_stream(file, path)
}

/// Whether `path` is a regular file (links followed); `Err` when something else is there.
pub fn is_regular(path: &Path) -> Result<bool> {
    match fs::metadata(path) {
        Ok(m) if m.is_file() => Ok(true),
        Ok(m) => Err(not_regular(path, &m)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(io(IoOp::Read, path)(e)),
    }
}

fn not_regular(path: &Path, meta: &fs::Metadata) -> Error {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    let what = if t.is_dir() {
        "is a folder"
    } else if t.is_fifo() {
        "is a FIFO, not a regular file"
    } else if t.is_char_device() || t.is_block_device() {
        "is a device, not a regular file"
    } else {
        "is not a regular file"
    };
    Error::Io {
        op: IoOp::Read,
        path: path.to_owned(),
        source: io::Error::new(io::ErrorKind::InvalidInput, what),
    }
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

/// Removes the temporary files that killed runs of pki left in `dir`: only names pki makes
/// (`.NAME.pki-tmp.PID.N`), and only when process PID is gone (another run's live file is
/// left alone; without /proc nothing is removed).
pub fn remove_stale_temps(dir: &Path) {
    let Ok(entries) = fs::read_dir(if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    }) else {
        return;
    };
    if !Path::new("/proc/self").exists() {
        return;
    }
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let Some(pid) = stale_temp_pid(&name) else {
            continue;
        };
        if pid != std::process::id() && !Path::new("/proc").join(pid.to_string()).exists() {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// The PID in a temporary file's name `.NAME.pki-tmp.PID.N`.
fn stale_temp_pid(name: &str) -> Option<u32> {
    let rest = name.strip_prefix('.')?;
    let (_, tail) = rest.rsplit_once(TEMP_MARK)?;
    let (pid, n) = tail.split_once('.')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (digits(pid) && digits(n))
        .then(|| pid.parse().ok())
        .flatten()
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
        // A dangling symlink: its target is created, the link kept.
        let link = d.join("link.key");
        std::os::unix::fs::symlink(d.join("target"), &link).expect("symlink");
        write_new(&link, b"x", Mode::Private).expect("through the link");
        assert_eq!(fs::read(d.join("target")).expect("target"), b"x");
        assert!(fs::symlink_metadata(&link).expect("link").is_symlink());
        // Now it names a file: never overwritten.
        assert!(matches!(
            write_new(&link, b"y", Mode::Private),
            Err(Error::Exists { .. })
        ));
        assert_eq!(fs::read(d.join("target")).expect("target"), b"x");
        // A device is written through, not replaced.
        write_new(Path::new("/dev/null"), b"x", Mode::Private).expect("/dev/null");
        replace(Path::new("/dev/null"), b"x", Mode::Public).expect("/dev/null");
        use std::os::unix::fs::FileTypeExt;
        assert!(
            fs::metadata("/dev/null")
                .expect("null")
                .file_type()
                .is_char_device()
        );
        assert_eq!(
            fs::read_dir(&d).expect("ls").count(),
            3,
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
