module htux.test/gosmp

go 1.19
