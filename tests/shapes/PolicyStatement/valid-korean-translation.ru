INSERT DATA { statement:kr-yongsan-gu.equity-and-inclusion schema:text "용산구는 학습공동체를 활성화하여 지역 발전 과제 해결에 기여한다."@ko }
