module gopipe

go 1.19
