"""Recordings in, turns and call measures out: decoding (PyAV), audio redaction,
transcription (faster-whisper) and call measures. Pure: takes bytes or arrays,
returns plain data; storage and jobs are the application's business."""
