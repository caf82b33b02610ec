#!/usr/bin/env python3
"""Writes the roster corpus: one file per real-world export shape, byte for byte as the program that
produces it would. The files are committed; run this again only to change them
(`pip install openpyxl odfpy` first). Expected outcomes live in ../roster_corpus.rs."""
import os

from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P
import openpyxl

HERE = os.path.dirname(os.path.abspath(__file__))


def write(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


# Excel "CSV UTF-8 (Comma delimited)": BOM, CRLF, quotes only where needed, trailing empty rows as
# bare commas.
write("excel-csv-utf8.csv", "\ufeff".encode() + (
    "Email Address,First Name,Last Name,Roles,app_metadata.department\r\n"
    "Jane.Doe@Example.com,Jane,Doe,\"admin,viewer\",Sales\r\n"
    "zoe.muller@example.de,Zoë,Müller,viewer,Research & Development\r\n"
    ",Nobody,Without,viewer,\r\n"
    "omar@example.org,Omar,Haddad,,\"Finance, EMEA\"\r\n"
    ",,,,\r\n"
    ",,,,\r\n"
).encode("utf-8"))

# Excel "CSV (Trennzeichen-getrennt)" on a German Windows: Windows-1252, semicolons, CRLF.
write("excel-csv-de-cp1252.csv", (
    "E-Mail-Adresse;Vorname;Nachname;Abteilung\r\n"
    "juergen.muessig@firma.de;Jürgen;Müßig;Einkauf\r\n"
    "hans.mueller@firma;Hans;Müller;Vertrieb\r\n"
    "Gisela.Weiß@Firma.de;Gisela;Weiß;Geschäftsführung\r\n"
    "JUERGEN.MUESSIG@FIRMA.DE;Jürgen;Müßig;Einkauf\r\n"
).encode("cp1252"))

# Excel "CSV (séparateur: point-virgule)" on a French Windows: Windows-1252, semicolons, CRLF.
write("excel-csv-fr-cp1252.csv", (
    "Adresse e-mail;Prénom;Nom;Rôles\r\n"
    "helene.lefevre@societe.fr;Hélène;Lefèvre;admin\r\n"
    "mailto:Francois.Garcon@Societe.fr;François;Garçon;\r\n"
    "noël@societe.fr;Noël;Bœuf;lecteur; éditeur\r\n"
).encode("cp1252"))

# Excel "Unicode Text": UTF-16 LE with BOM, tabs, CRLF.
write("excel-unicode-text.txt", "\ufeff".encode("utf-16-le") + (
    "Email\tFull Name\tRoles\r\n"
    "jane@example.com\tDoe, Jane\tadmin\r\n"
    "mary.ann@example.com\tMary Ann Smith\t\r\n"
    "taro@example.jp\t山田 太郎\tviewer\r\n"
    "bad@@example.com\tBad Address\t\r\n"
).encode("utf-16-le"))

# Google Sheets "Comma-separated values": UTF-8 without BOM, CRLF, no newline at the end, quoted
# fields with quotes and line breaks inside.
write("google-sheets.csv", (
    "email,first_name,last_name,notes,user_metadata.locale\r\n"
    "sean@example.ie,Seán,\"O\"\"Brien\",\"Met at the\r\nDublin office\",en-IE\r\n"
    "li@example.cn,Li,Wei,,zh-CN\r\n"
    "pat@example.com,Pat,Lee,\"says \"\"hi\"\"\",\"{\"\"tz\"\": \"\"UTC\"\"}\"\r\n"
    "kim@example.kr,Kim,Min-jun,,{broken"
).encode("utf-8"))

# LibreOffice Calc "Text CSV" with "Quote all text cells": UTF-8, comma, LF.
write("libreoffice.csv", (
    '"Mail","Given name","Surname"\n'
    '"ada@example.com","Ada","Lovelace"\n'
    '"eve@example.com","<script>alert(1)</script>","=HYPERLINK(""http://evil.example"",""click"")"\n'
    '"grace@example.com","Grace","Hopper"\n'
).encode("utf-8"))

# Apple Numbers export in a locale with decimal commas: semicolons, UTF-8, LF, a title row.
write("numbers.csv", (
    "Seat list Q3;;\n"
    "Name;Email;Role\n"
    "Tim Apple;tim@example.com;admin\n"
    "Cook, Timothy;timothy@example.com;viewer\n"
    "Someone;someone at example.com;viewer\n"
).encode("utf-8"))

# Addresses pasted from Outlook's To: line (semicolons) and Gmail (commas), two lines.
write("outlook-paste.txt", (
    'Jane Doe <Jane.Doe@Example.com>; "Smith, John" <john.smith@example.org>; '
    "'Ravi Kumar' <ravi@example.in>\n"
    "Anna Berg <anna@example.se>, e.only@example.com, jane.doe@example.com, Broken <nope>\n"
).encode("utf-8"))

# A bare list saved by an old Mac editor: CR line endings, blank lines, mailto: links.
write("bare-list.txt", (
    "alice@example.com\r"
    "\r"
    "mailto:Bob@Example.com\r"
    "carol@example\r"
    "\r"
    "ALICE@example.com\r"
).encode("utf-8"))

ROWS = [
    ["Email", "First name", "Last name", "app_metadata.employee_id", "Roles"],
    ["wb.one@example.com", "Wilma", "Beck", 1042, "admin"],
    ["wb.two@example.com", "Walt", "Bauer", 1043, None],
    [None, None, None, None, None],
    ["not-an-address", "Nora", "Nil", 1044, None],
    ["wb.three@example.com", "Wanda", "Berg", None, "viewer;admin"],
]

book = openpyxl.Workbook()
sheet = book.active
sheet.title = "People"
for row in ROWS:
    sheet.append(row)
notes = book.create_sheet("Notes")
notes.append(["Email", "Note"])
notes.append(["notes.only@example.com", "second sheet"])
book.save(os.path.join(HERE, "workbook.xlsx"))


def ods_cell(value):
    if value is None:
        return TableCell()
    if isinstance(value, (int, float)):
        cell = TableCell(valuetype="float", value=value)
    else:
        cell = TableCell(valuetype="string")
    cell.addElement(P(text=str(value)))
    return cell


doc = OpenDocumentSpreadsheet()
for name, rows in [("People", ROWS), ("Notes", [["Email", "Note"], ["notes.only@example.com", "x"]])]:
    table = Table(name=name)
    for row in rows:
        tr = TableRow()
        for value in row:
            tr.addElement(ods_cell(value))
        table.addElement(tr)
    doc.spreadsheet.addElement(table)
doc.save(os.path.join(HERE, "workbook.ods"))
