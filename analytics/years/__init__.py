"""Campaign years: next year's campaign made from last year's (`campaigns`) and the comparison of the
cluster across years on a comparable basis (`compare`)."""
