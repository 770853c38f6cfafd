INSERT DATA { organization:gnlc schema:name "유네스코 글로벌 학습도시 네트워크"@ko }
