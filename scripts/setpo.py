"""Fill translations into a .po file: python setpo.py FILE 'msgid=>msgstr' ..."""
import sys
from babel.messages.pofile import read_po, write_po
path = sys.argv[1]
with open(path, 'rb') as f:
    cat = read_po(f)
pairs = dict(a.split('=>', 1) for a in sys.argv[2:])
for m in cat:
    if not m.id:
        continue
    if path.split('/')[-3] == 'en':
        m.string = m.id
    elif m.id in pairs:
        m.string = pairs[m.id]
    m.flags.discard('fuzzy')
with open(path, 'wb') as f:
    write_po(f, cat, width=80, omit_header=False, no_location=True)
