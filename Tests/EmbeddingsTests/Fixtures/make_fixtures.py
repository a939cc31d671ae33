"""Regenerates the embedding fixtures from the reference implementations, once:

    make model
    python3 -m venv .build/venv-st && .build/venv-st/bin/pip install sentence-transformers tokenizers
    HF_HUB_OFFLINE=1 .build/venv-st/bin/python Tests/EmbeddingsTests/Fixtures/make_fixtures.py models/all-MiniLM-L6-v2

Writes tokenizer_cases.json (ids from Hugging Face's tokenizer, as sentence-transformers
truncates them to 256) and embeddings.json (vectors from sentence-transformers itself).
"""

import json
import sys
from pathlib import Path

from sentence_transformers import SentenceTransformer

HERE = Path(__file__).parent
model = SentenceTransformer(sys.argv[1], device="cpu")

TOKENIZER_TEXTS = [
    "", "   ", "\t\n\r ", "Hello, world!", "HELLO World", "naïve café résumé Ångström", "Straße über Æsir",
    "don't stop-believing... (really?) [yes] {no} <maybe> #tag @user $5 100% a&b",
    "中文字符测试", "日本語のテキストとカタカナ", "한국어 텍스트", "emoji 😀👍🏽 and ❤️ hearts", "tab\tseparated\tvalues",
    "control\u0000chars\u0007here\u200b\ufeffzero-width", "unbelievably antidisestablishmentarianism",
    "x" * 150, "e-mail: someone@example.com, url: https://example.org/a?b=c&d=e",
    "Mixed 123 numbers 4.56 and 7,890", "«quotes» “curly” ‘single’ — em dash – en dash",
    "Ελληνικά κείμενα", "Русский текст с ударе́нием", "العربية", "हिन्दी पाठ",
    " ".join(["exact search over many words"] * 120),
]

SENTENCES = [
    "Exact search returns the true nearest neighbours.", "Approximate search trades recall for speed.",
    "SQLite is the store of record.", "A bounded heap selects the top k results.",
    "The research assistant indexes Obsidian notes.", "Transformers compute contextual embeddings.",
    "Mean pooling averages the token vectors.", "Cosine similarity compares directions.",
    "The cat sat on the mat.", "A dog barked at the mailman.", "Quantum computing uses qubits.",
    "The stock market fell sharply today.", "She plays the violin beautifully.", "Rain is expected tomorrow.",
    "How do I reset my password?", "What is the capital of France?", "Paris is the capital of France.",
    "Berlin is the capital of Germany.", "Photosynthesis converts light into chemical energy.",
    "The mitochondria is the powerhouse of the cell.", "Neural networks learn from data.",
    "Gradient descent minimises a loss function.", "Attention is all you need.",
    "BERT uses WordPiece tokenization.", "Large language models generate text.",
    "The quick brown fox jumps over the lazy dog.", "A journey of a thousand miles begins with a single step.",
    "Water boils at one hundred degrees Celsius.", "The Eiffel Tower is in Paris.", "I love reading science fiction.",
    "Citation graphs link papers together.", "Discovery sources include arXiv and PubMed.",
    "PDFs are converted to markdown before analysis.", "Vector databases store embeddings.",
    "Chroma is an open-source embedding database.", "Docker containers isolate applications.",
    "Swift is a compiled programming language.", "Python is popular for data science.",
    "The Great Wall of China is very long.", "Mount Everest is the highest mountain.",
    "naïve café résumé", "Straße über Æsir", "中文字符测试", "emoji 😀👍🏽 and ❤️ hearts", "",
    "   ", "Short", "e-mail: someone@example.com", "Mixed 123 numbers 4.56 and 7,890",
    " ".join(["a long passage about exact vector search and retrieval augmented generation"] * 30),
    "Bananas are yellow.", "The sky is blue.", "Sorting algorithms differ in complexity.",
]

tokenizer = model.tokenizer
cases = []
for text in TOKENIZER_TEXTS:
    ids = tokenizer(text, truncation=True, max_length=model.max_seq_length)["input_ids"]
    cases.append({"text": text, "ids": ids})
(HERE / "tokenizer_cases.json").write_text(json.dumps(cases, ensure_ascii=False, indent=0))

vectors = model.encode(SENTENCES, convert_to_numpy=True, normalize_embeddings=False)
(HERE / "embeddings.json").write_text(json.dumps(
    [{"text": t, "embedding": [float(x) for x in v]} for t, v in zip(SENTENCES, vectors)], ensure_ascii=False))
print(f"{len(cases)} tokenizer cases, {len(SENTENCES)} embeddings")
