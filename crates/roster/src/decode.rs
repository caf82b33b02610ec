//! Bytes to text. Spreadsheet exports arrive as UTF-8 (with or without BOM), UTF-16 ("Unicode Text"
//! from Excel) or a legacy code page (Excel "CSV" on Windows). The bytes decide, never the file name.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};

use crate::AppError;

/// Text decoded from a file or paste, with the encoding it was read as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded<'a> {
    /// Borrowed from the bytes when they are UTF-8 already (a long list is not copied).
    pub text: Cow<'a, str>,
    pub encoding: &'static str,
}

/// Share of control characters above which the input is taken for binary junk, not a list.
const MAX_CONTROL_SHARE: f64 = 0.05;

pub fn decode(bytes: &[u8]) -> Result<Decoded<'_>, AppError> {
    let (encoding, body) = match Encoding::for_bom(bytes) {
        Some((encoding, bom_len)) => (encoding, &bytes[bom_len..]),
        None => (sniff_without_bom(bytes), bytes),
    };
    let (text, had_errors) = encoding.decode_without_bom_handling(body);
    // Legacy code pages decode every byte; only a BOM-declared Unicode file can be inconsistent.
    if had_errors && [UTF_8, UTF_16LE, UTF_16BE].contains(&encoding) {
        return Err(AppError::invalid_input(format!(
            "the file says it is {} but contains bytes that are not; save it again as CSV UTF-8",
            encoding.name()
        )));
    }
    reject_binary(&text)?;
    Ok(Decoded {
        text,
        encoding: encoding.name(),
    })
}

/// No BOM: UTF-16 shows itself by NUL bytes in every other position; valid UTF-8 is UTF-8; anything
/// else is a legacy code page, which chardetng guesses from the byte statistics (Windows-1252 for
/// Western European exports, but also 1250, 1251, …).
fn sniff_without_bom(bytes: &[u8]) -> &'static Encoding {
    if let Some(utf16) = utf16_by_nul_pattern(bytes) {
        return utf16;
    }
    if std::str::from_utf8(bytes).is_ok() {
        return UTF_8;
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    // UTF-8 was ruled out above, so the guess is among the legacy encodings.
    detector.guess(None, chardetng::Utf8Detection::Deny)
}

fn utf16_by_nul_pattern(bytes: &[u8]) -> Option<&'static Encoding> {
    let sample = &bytes[..bytes.len().min(4096) & !1];
    if sample.len() < 4 {
        return None;
    }
    let pairs = sample.len() / 2;
    let even_nuls = sample.iter().step_by(2).filter(|b| **b == 0).count();
    let odd_nuls = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|b| **b == 0)
        .count();
    // Text that is mostly ASCII has a NUL in the high byte of nearly every code unit.
    let threshold = pairs * 7 / 10;
    if odd_nuls > threshold && even_nuls < pairs / 10 {
        Some(UTF_16LE)
    } else if even_nuls > threshold && odd_nuls < pairs / 10 {
        Some(UTF_16BE)
    } else {
        None
    }
}

fn reject_binary(text: &str) -> Result<(), AppError> {
    let mut total = 0usize;
    let mut control = 0usize;
    for c in text.chars().take(64 * 1024) {
        total += 1;
        if c == '\0' {
            return Err(not_a_list("it contains NUL bytes"));
        }
        if c.is_control() && !matches!(c, '\t' | '\n' | '\r') {
            control += 1;
        }
    }
    if total > 0 && control as f64 / total as f64 > MAX_CONTROL_SHARE {
        return Err(not_a_list("most of it is not text"));
    }
    Ok(())
}

fn not_a_list(why: &str) -> AppError {
    AppError::invalid_input(format!(
        "this does not look like a list of people ({why}); open a CSV, TSV, text, XLSX or ODS file"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le(s: &str, bom: bool) -> Vec<u8> {
        let mut out = if bom { vec![0xFF, 0xFE] } else { vec![] };
        out.extend(s.encode_utf16().flat_map(u16::to_le_bytes));
        out
    }

    #[test]
    fn utf8_with_and_without_bom() {
        let plain = decode("email\nzoë@example.com\n".as_bytes()).unwrap();
        assert_eq!(plain.encoding, "UTF-8");
        assert_eq!(plain.text, "email\nzoë@example.com\n");
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice("email\n".as_bytes());
        let with_bom = decode(&bom).unwrap();
        assert_eq!(with_bom.text, "email\n", "the BOM is not part of the text");
    }

    #[test]
    fn utf16_le_and_be_with_bom_and_le_without() {
        let text = "E-mail\tName\r\nzoë@example.com\tZoë\r\n";
        assert_eq!(decode(&utf16le(text, true)).unwrap().text, text);
        assert_eq!(decode(&utf16le(text, false)).unwrap().encoding, "UTF-16LE");
        let mut be = vec![0xFE, 0xFF];
        be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
        let decoded = decode(&be).unwrap();
        assert_eq!((decoded.encoding, &*decoded.text), ("UTF-16BE", text));
    }

    #[test]
    fn windows_1252_detected_from_the_bytes() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode("E-Mail;Vorname;Nachname\r\njürgen@beispiel.de;Jürgen;Müßig\r\nrené@exemple.fr;René;Lefèvre\r\n");
        let decoded = decode(&bytes).unwrap();
        assert_eq!(decoded.encoding, "windows-1252");
        assert!(decoded.text.contains("Jürgen;Müßig"), "{}", decoded.text);
        assert!(decoded.text.contains("René;Lefèvre"), "{}", decoded.text);
    }

    #[test]
    fn binary_junk_is_refused_with_a_clear_message() {
        let png = [
            0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, b'I', b'H', b'D', b'R',
        ];
        let err = decode(&png).unwrap_err();
        assert_eq!(err.code, crate::ErrorCode::InvalidInput);
        assert!(
            err.message.contains("does not look like a list of people"),
            "{}",
            err.message
        );
        let noise: Vec<u8> = (0u8..=255).cycle().take(2000).collect();
        assert!(decode(&noise).is_err());
    }
}
