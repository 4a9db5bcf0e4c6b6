package date

import (
	"encoding/binary"
	"errors"
)

// MarshalBinary encodes d for the build cache (encoding/gob uses it).
func (d Date) MarshalBinary() ([]byte, error) {
	b := make([]byte, 0, 21)
	b = append(b, 1) // format version
	b = binary.BigEndian.AppendUint16(b, uint16(d.year))
	b = append(b, d.month, d.day, byte(d.prec))
	b = binary.BigEndian.AppendUint64(b, uint64(d.sec))
	b = binary.BigEndian.AppendUint32(b, uint32(d.nsec))
	b = binary.BigEndian.AppendUint32(b, uint32(d.off))
	return b, nil
}

// UnmarshalBinary decodes what MarshalBinary encoded.
func (d *Date) UnmarshalBinary(b []byte) error {
	if len(b) != 22 || b[0] != 1 {
		return errors.New("date: malformed binary encoding")
	}
	e := Date{
		year:  int16(binary.BigEndian.Uint16(b[1:])),
		month: b[3],
		day:   b[4],
		prec:  Precision(b[5]),
		sec:   int64(binary.BigEndian.Uint64(b[6:])),
		nsec:  int32(binary.BigEndian.Uint32(b[14:])),
		off:   int32(binary.BigEndian.Uint32(b[18:])),
	}
	if e.prec > Time || e.month > 12 || e.day > 31 {
		return errors.New("date: malformed binary encoding")
	}
	*d = e
	return nil
}
