//! The one rule for every file dossier reads from a project: it is a regular file whose
//! real path, with every symbolic link resolved, lies inside the project folder.
//!
//! A project may come from someone else (a pull request on CI, a downloaded
//! theme). Without this rule a link such as `templates/404.html -> /etc/passwd`
//! would publish a file from elsewhere on the machine, and a named pipe
//! (FIFO) in `content/` would block a build forever. Every read of content,
//! templates, theme files and the configuration goes through [`read`]; every
//! folder dossier writes a scaffold into goes through [`folder_inside`].

use std::fs::OpenOptions;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// Reads the file at `path`, refusing links that lead out of `root` and anything that is
/// not a regular file (a FIFO, socket or device would block or never end).
pub fn read(root: &Path, path: &Path) -> io::Result<Vec<u8>> {
    let real = inside(root, path)?;
    // Anything but a regular file is refused before it is opened: opening a FIFO waits for a
    // writer, a socket cannot be opened, and opening a device may act on it (a tape rewinds).
    let kind = std::fs::symlink_metadata(&real)?.file_type();
    if !kind.is_file() {
        return Err(io::Error::other(format!("it is {}, not a regular file", describe(kind))));
    }
    let mut file = open_regular(&real)?;
    let kind = file.metadata()?.file_type();
    if !kind.is_file() {
        return Err(io::Error::other(format!("it is {}, not a regular file", describe(kind))));
    }
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Reads a UTF-8 text file under the same rule as [`read`].
pub fn read_text(root: &Path, path: &Path) -> io::Result<String> {
    String::from_utf8(read(root, path)?).map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "it is not UTF-8"))
}

/// The real path of `path`, if it lies inside `root` (both with links resolved).
pub fn inside(root: &Path, path: &Path) -> io::Result<PathBuf> {
    let real = path.canonicalize()?;
    // A real path that starts with `root` lies in it (`root`'s parts are then real folders):
    // resolving `root` again for each of 10,000 files would find that again.
    if root.is_absolute() && real.starts_with(root) {
        return Ok(real);
    }
    let root = root.canonicalize()?;
    if real.starts_with(&root) {
        Ok(real)
    } else {
        Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!("it is a symbolic link to `{}`, outside the project", real.display()),
        ))
    }
}

/// The real path of folder `dir` (which may not exist yet) if it is inside `root`:
/// the nearest existing ancestor is resolved, so a linked parent cannot lead out.
pub fn folder_inside(root: &Path, dir: &Path) -> io::Result<PathBuf> {
    let mut existing = dir.to_path_buf();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.file_name().map(|n| n.to_os_string()), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut real = inside(root, &existing)?;
    real.extend(rest.iter().rev());
    Ok(real)
}

/// Opens a file found to be regular for reading.
#[cfg(unix)]
fn open_regular(real: &Path) -> io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    // O_NONBLOCK: should a FIFO be swapped in meanwhile, opening it returns at once instead of
    // waiting for a writer; O_NOFOLLOW: nor is a link swapped in followed. The type is checked
    // again on the open file itself.
    OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW).open(real)
}

/// Elsewhere (Windows) there are no FIFOs to block on: a plain open, the type checked again
/// on the open file.
#[cfg(not(unix))]
fn open_regular(real: &Path) -> io::Result<std::fs::File> {
    OpenOptions::new().read(true).open(real)
}

#[cfg(unix)]
fn describe(kind: std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_fifo() {
        "a named pipe (FIFO)"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_block_device() || kind.is_char_device() {
        "a device"
    } else if kind.is_dir() {
        "a folder"
    } else {
        "not a regular file"
    }
}

#[cfg(not(unix))]
fn describe(kind: std::fs::FileType) -> &'static str {
    if kind.is_dir() { "a folder" } else { "not a regular file" }
}

#[cfg(all(test, unix))]
mod tests {
    use super::{folder_inside, read};

    #[test]
    fn reads_stay_inside_the_project_and_on_regular_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("project");
        std::fs::create_dir_all(&root).unwrap();
        std::fs::write(root.join("ok.md"), "ok").unwrap();
        std::fs::write(dir.path().join("secret"), "secret").unwrap();
        std::os::unix::fs::symlink("../secret", root.join("leak.md")).unwrap();
        std::os::unix::fs::symlink("ok.md", root.join("alias.md")).unwrap();
        let fifo = std::ffi::CString::new(root.join("pipe.md").to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
        assert_eq!(read(&root, &root.join("ok.md")).unwrap(), b"ok");
        assert_eq!(read(&root, &root.join("alias.md")).unwrap(), b"ok");
        assert!(read(&root, &root.join("leak.md")).unwrap_err().to_string().contains("outside the project"));
        assert!(read(&root, &root.join("pipe.md")).unwrap_err().to_string().contains("named pipe"));
        let socket = std::os::unix::net::UnixListener::bind(root.join("socket.md")).unwrap();
        assert!(read(&root, &root.join("socket.md")).unwrap_err().to_string().contains("a socket, not a regular file"));
        drop(socket);
        assert!(read(&root, std::path::Path::new("/dev/null")).is_err(), "outside, and a device");
        std::os::unix::fs::symlink(dir.path(), root.join("out")).unwrap();
        assert!(folder_inside(&root, &root.join("out/new/deeper")).is_err());
        assert!(folder_inside(&root, &root.join("content/new")).is_ok());
    }
}
