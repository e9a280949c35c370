"""certbench: audit online merchants, grade them, issue signed certificates whose
seals anyone can verify offline."""

__version__ = "0.1.0"
