module htuxtest

go 1.19
