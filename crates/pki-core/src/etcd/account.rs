//! The account etcd runs as (`pki etcd check --etcd-user`), and whether it can open a file:
//! read permission on the file, and search permission on every folder above it, by the owner,
//! group and other bits as the kernel applies them (root reads everything). ACLs and security
//! modules are not judged.

use std::{
    os::unix::fs::{MetadataExt, PermissionsExt},
    path::Path,
};

use crate::error::{Error, Result};

/// A user: its uid and the gids of its primary and supplementary groups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub name: String,
    pub uid: u32,
    pub gids: Vec<u32>,
}

impl Account {
    /// Looks `name` (or a numeric uid) up in `passwd` and `group` (the texts of /etc/passwd and
    /// /etc/group).
    pub fn from_files(name: &str, passwd: &str, group: &str) -> Result<Account> {
        let fields = |line: &str| -> Vec<String> { line.split(':').map(str::to_owned).collect() };
        let entry = passwd
            .lines()
            .map(fields)
            .filter(|f| f.len() >= 4)
            .find(|f| f[0] == name || f[2] == name)
            .ok_or_else(|| {
                Error::refused(format!("--etcd-user: no user {name:?} in /etc/passwd"))
            })?;
        let num = |s: &str| {
            s.parse::<u32>()
                .map_err(|_| Error::refused(format!("/etc/passwd: {name}: {s:?} is not a number")))
        };
        let uid = num(&entry[2])?;
        let mut gids = vec![num(&entry[3])?];
        for g in group.lines().map(fields).filter(|f| f.len() >= 4) {
            if g[3].split(',').any(|m| m == entry[0])
                && let Ok(gid) = g[2].parse::<u32>()
                && !gids.contains(&gid)
            {
                gids.push(gid);
            }
        }
        Ok(Account {
            name: entry[0].clone(),
            uid,
            gids,
        })
    }

    /// Looks `name` up in this system's /etc/passwd and /etc/group.
    pub fn lookup(name: &str) -> Result<Account> {
        let read = |p: &str| {
            crate::files::read_regular(Path::new(p))
                .map(|b| String::from_utf8_lossy(&b).into_owned())
        };
        Account::from_files(
            name,
            &read("/etc/passwd")?,
            &read("/etc/group").unwrap_or_default(),
        )
    }

    /// `None` when the account can open `path` for reading; else why not (the folder or file
    /// it may not search or read). A path that does not exist is left to the read itself.
    pub fn cannot_read(&self, path: &Path) -> Option<String> {
        if self.uid == 0 {
            return None;
        }
        let absolute = std::path::absolute(path).ok()?;
        let mut ancestors: Vec<&Path> = absolute.ancestors().skip(1).collect();
        ancestors.reverse();
        for dir in ancestors {
            let m = std::fs::metadata(dir).ok()?;
            if !self.may(&m, 0o1) {
                return Some(format!(
                    "{} may not enter {} (mode {:o}, owner {})",
                    self.name,
                    dir.display(),
                    m.permissions().mode() & 0o7777,
                    m.uid()
                ));
            }
        }
        let m = std::fs::metadata(&absolute).ok()?;
        (!self.may(&m, 0o4)).then(|| {
            format!(
                "{} may not read it (mode {:o}, owner {}, group {})",
                self.name,
                m.permissions().mode() & 0o7777,
                m.uid(),
                m.gid()
            )
        })
    }

    /// Whether the owner, group or other bits (whichever class applies) grant `bit` (4 read, 1
    /// search).
    fn may(&self, m: &std::fs::Metadata, bit: u32) -> bool {
        let mode = m.permissions().mode();
        let class = if m.uid() == self.uid {
            mode >> 6
        } else if self.gids.contains(&m.gid()) {
            mode >> 3
        } else {
            mode
        };
        class & bit != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_and_groups() {
        let passwd = "root:x:0:0:root:/root:/bin/sh\netcd:x:107:113::/var/lib/etcd:/usr/sbin/nologin\nbroken\n";
        let group = "etcd:x:113:\nssl-cert:x:110:etcd,postgres\nother:x:5:postgres\n";
        let a = Account::from_files("etcd", passwd, group).expect("etcd");
        assert_eq!((a.uid, a.gids.clone()), (107, vec![113, 110]));
        assert_eq!(
            Account::from_files("107", passwd, group).expect("uid").name,
            "etcd"
        );
        assert!(Account::from_files("nobody", passwd, group).is_err());
        assert!(Account::from_files("broken", passwd, group).is_err());
        let root = Account::from_files("root", passwd, group).expect("root");
        assert_eq!(root.cannot_read(Path::new("/etc/shadow")), None);
    }
}
