"""Article intake: uploads, pasted text and web pages, and the guarded HTTP client."""
