"""Call recordings: intake (page, import, API), storage with checksums, range
serving, transcription jobs, audio redaction and call measures."""
