module herald/bench/peers/go

go 1.19
