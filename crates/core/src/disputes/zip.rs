//! A minimal ZIP writer (PKZIP "stored", no compression) for evidence packs. Like the PDF writer, the same files
//! give the same bytes everywhere — a fixed timestamp, names in the order given — so a pack's SHA-256 recorded on
//! a case can be recomputed. Any unzip tool reads it.

/// A file too large for a ZIP without its 64-bit extension, or too many files.
#[derive(Debug, thiserror::Error)]
#[error("the evidence archive is too large: {0}")]
pub struct ZipTooLarge(String);

/// 1980-01-01 00:00, the earliest DOS time: fixed, so the bytes do not depend on the clock.
const DOS_TIME: u16 = 0;
const DOS_DATE: u16 = (1 << 5) | 1;
/// General purpose flag bit 11: names are UTF-8.
const UTF8_NAMES: u16 = 1 << 11;

fn u16le(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn u32le(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// The archive of `files` (name, bytes), in that order.
pub fn write(files: &[(String, Vec<u8>)]) -> Result<Vec<u8>, ZipTooLarge> {
    let count =
        u16::try_from(files.len()).map_err(|_| ZipTooLarge(format!("{} files", files.len())))?;
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, bytes) in files {
        let size = u32::try_from(bytes.len())
            .map_err(|_| ZipTooLarge(format!("{name} is {} bytes", bytes.len())))?;
        let name_len =
            u16::try_from(name.len()).map_err(|_| ZipTooLarge(format!("the name {name}")))?;
        let offset = u32::try_from(out.len()).map_err(|_| ZipTooLarge("over 4 GiB".into()))?;
        let crc = crc32fast::hash(bytes);
        // Local file header.
        u32le(&mut out, 0x0403_4b50);
        u16le(&mut out, 20); // version needed: 2.0
        u16le(&mut out, UTF8_NAMES);
        u16le(&mut out, 0); // stored
        u16le(&mut out, DOS_TIME);
        u16le(&mut out, DOS_DATE);
        u32le(&mut out, crc);
        u32le(&mut out, size);
        u32le(&mut out, size);
        u16le(&mut out, name_len);
        u16le(&mut out, 0);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(bytes);
        // Its central directory entry.
        u32le(&mut central, 0x0201_4b50);
        u16le(&mut central, (3 << 8) | 20); // made by: Unix, 2.0
        u16le(&mut central, 20);
        u16le(&mut central, UTF8_NAMES);
        u16le(&mut central, 0);
        u16le(&mut central, DOS_TIME);
        u16le(&mut central, DOS_DATE);
        u32le(&mut central, crc);
        u32le(&mut central, size);
        u32le(&mut central, size);
        u16le(&mut central, name_len);
        u16le(&mut central, 0); // extra
        u16le(&mut central, 0); // comment
        u16le(&mut central, 0); // disk
        u16le(&mut central, 0); // internal attributes
        u32le(&mut central, 0o100644 << 16); // external: a regular file, rw-r--r--
        u32le(&mut central, offset);
        central.extend_from_slice(name.as_bytes());
    }
    let cd_offset = u32::try_from(out.len()).map_err(|_| ZipTooLarge("over 4 GiB".into()))?;
    let cd_size = u32::try_from(central.len()).map_err(|_| ZipTooLarge("directory".into()))?;
    out.extend_from_slice(&central);
    u32le(&mut out, 0x0605_4b50);
    u16le(&mut out, 0);
    u16le(&mut out, 0);
    u16le(&mut out, count);
    u16le(&mut out, count);
    u32le(&mut out, cd_size);
    u32le(&mut out, cd_offset);
    u16le(&mut out, 0);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::write;

    #[test]
    fn same_files_same_bytes_and_the_layout_is_a_zip() {
        let files = vec![
            ("a.txt".to_string(), b"hello\n".to_vec()),
            ("dir/b.json".to_string(), b"{}".to_vec()),
        ];
        let z = write(&files).unwrap();
        assert_eq!(z, write(&files).unwrap());
        assert_eq!(&z[..4], b"PK\x03\x04");
        let eocd = &z[z.len() - 22..];
        assert_eq!(&eocd[..4], b"PK\x05\x06");
        assert_eq!(u16::from_le_bytes([eocd[10], eocd[11]]), 2);
        assert_eq!(&z[30..35], b"a.txt");
        assert_eq!(&z[35..41], b"hello\n");
    }
}
