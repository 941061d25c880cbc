module htuxhttp

go 1.19
