module early.techwalk/logfilter

go 1.26.8
