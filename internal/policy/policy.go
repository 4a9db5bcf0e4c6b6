// Package policy holds the value rules of the policy-document model: how
// facet values group, how a document number (发文字号) and a status read,
// how long a text takes to read and what its summary is, and when a
// scraped article was retrieved. It is pure: no I/O, no clock, no state.
//
// # Facet keys
//
// Key gives the value that facet values (issuer, tag, source, …) group by.
// It drops the zero-width characters U+200B–U+200D, U+2060 and U+FEFF;
// trims white space at both ends, the ideographic space U+3000 included;
// turns every inner run of white space into one ASCII space; maps
// full-width ASCII (U+FF01–U+FF5E) to its half-width form; maps the
// brackets 〔〕【】〖〗﹝﹞ to [ ] and ⦅⦆ to ( ); and lowercases Latin
// letters. Other scripts, title marks 《》〈〉 and corner brackets 「」 are
// kept. So "科技\u3000\u3000政策" and "科技 政策", "（试行）" and "(试行)", "ＡＩ" and
// "ai" are one facet. A facet is shown as written: the caller keeps the
// first spelling it meets and groups later ones under its Key.
//
// # Document numbers
//
// A document number (发文字号) is an issuing agency's abbreviation, a year
// in brackets and a serial number: 国办发〔2018〕128号. ParseDocNumber reads
// the whole string as one number. It ignores white space anywhere (so
// "国办发 〔 2018 〕 128 号" is read), reads full-width digits, takes any of
// the brackets 〔〕 ﹝﹞ [] ［］ () （） 【】 〖〗 around the year (an opening
// and a closing one, not necessarily a matching pair: curators mix them),
// and accepts 第 before the serial (国办发〔2018〕第128号). The agency must be
// non-empty, made of Han characters and Latin letters only, and contain a
// Han character; the year has four digits in 1900–2099; the serial has one
// to six digits and is not zero; the number ends in 号. Anything else is not
// a document number: English forms such as "Executive Order 47" or
// "EO 2025-1", order numbers without a year (主席令第十二号), serials in
// Chinese numerals, and surrounding text. DocNumber.String writes the
// normalized form, 国办发〔2018〕128号, with 〔〕 (U+3014, U+3015), ASCII
// digits and the serial without leading zeros; parsing it again gives the
// same Agency, Year and Serial.
//
// # Status
//
// A document is in force, repealed, amended, or of unknown status; the zero
// Status is Unknown. ParseStatus reads a value after Key (and with "-" and
// "_" read as spaces), in Chinese or English:
//
//	InForce  有效 现行有效 现行 生效 已生效 在效 | in force, in effect, effective, active, current, valid
//	Repealed 失效 已失效 废止 已废止 废除 已废除 撤销 已撤销 | repealed, revoked, rescinded, superseded, expired, invalid, no longer in force, no longer in effect
//	Amended  已修改 被修改 已被修改 修改 修正 已修正 修订 已修订 部分失效 | amended, modified, partially repealed
//	Unknown  未知 | unknown
//
// A superseded document counts as Repealed: another document took its
// place, so it is no longer in force. A partly repealed one (部分失效)
// counts as Amended: it is still in force, with changes. Label gives the
// status in Chinese (有效, 失效, 已修改, 未知) or English ("in force",
// "repealed", "amended", "unknown"); Slug gives a CSS class name
// ("in-force", "repealed", "amended", "unknown").
//
// # Measures and summaries
//
// Measure counts Han characters (Han, Hiragana, Katakana and Hangul) and
// Latin words (runs of other letters and digits, joined inside by ', ’ or
// -, so "don't" and "COVID-19" are one word each). Reading takes one minute
// per 400 Han characters plus one per 200 words, rounded up; a text with
// anything counted takes at least one minute, and one with nothing counted
// takes zero.
//
// Summary first turns every run of white space into one space and trims
// the ends. A text of at most max runes is returned as it is. Otherwise the
// summary ends at the last sentence end within max runes, if that end lies
// in the second half (at max/2 runes or later). A sentence ends after 。！？,
// or after . ! ? followed by a space or the end of the text; closing quotes
// and brackets right after the mark, any of ”’」』）"'), belong to the
// sentence. Without such an end the text is cut to leave room for "…", at
// a space if the cut would split a Latin word and a space lies in the
// second half; trailing spaces and the commas and colons 、，；：,;: before the
// cut are dropped, and "…" is appended. A summary never splits a rune and,
// ellipsis included, never has more than max runes; max ≤ 0 gives "".
//
// # Retrieval time
//
// Scraped articles end with a footer line that says when the page was
// fetched, as the seed collection's
//
//	*处理时间: 2025-04-27 05:31:23 (北京时间)*
//
// Retrieved looks for such a line among the last three non-blank lines of
// a body, the last one first. The line may be wrapped in * or _ emphasis
// (asterisks anywhere in it are ignored, so **处理时间**: works) and must
// start with a label, 处理时间, 抓取时间, 采集时间, 获取时间, Retrieved or
// Accessed (English labels in any case), then a colon, ASCII or
// full-width, then the time; "Retrieved on" and "Accessed on" need no
// colon. The time is RFC 3339
// (2025-04-27T05:31:23+08:00, with T or a space, seconds optional), or a
// date and wall-clock time without offset (2025-04-27 05:31:23,
// 2025-04-27 05:31), or a bare date (2025-04-27, midnight). Full-width
// digits and colons are read as ASCII. A zone may follow: 北京时间 (in
// ASCII or full-width parentheses, or none) is UTC+08:00, named "CST";
// (UTC) is UTC; (UTC+8), (UTC+08:00) and (GMT+8) are that offset. An
// offset in the time wins over a zone note. A time with neither is read as
// UTC, which keeps its wall clock, and so its date, as written. Retrieved
// returns the byte offsets of the whole line, its line break included, so
// body[:start]+body[end:] removes it.
package policy
