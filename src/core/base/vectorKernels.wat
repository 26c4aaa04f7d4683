;; The personal model's loops that run at every decoding step, in WebAssembly SIMD: the
;; neighbour store's dot products, the log-normalizer of a row of scores, and the adapter's
;; scans and whole-row update. In plain JavaScript they took about 4 ms of a keystroke.
;; Build: npm run build:kernels (writes vectorKernelsWasm.ts; a unit test checks they agree).
(module
  (import "math" "log" (func $log (param f64) (result f64)))
  ;; made by the caller at its final size: growing a memory detaches its old buffer, and once
  ;; any buffer has been detached V8 checks for it at every typed-array access everywhere
  ;; (the adapter's loops took half as long again)
  (import "env" "memory" (memory 1))

  ;; out[i] = row i . query, for the n consecutive int8 rows of d values (d a multiple of 16)
  ;; from $rows, an int16 query of d values and int32 results. Exact integer sums: 384
  ;; products of at most 127 * 32767 stay below 2^31.
  (func (export "dots")
    (param $rows i32) (param $d i32) (param $query i32) (param $n i32) (param $out i32)
    (local $i i32) (local $row i32) (local $j i32) (local $q i32) (local $k v128) (local $acc v128)
    (block $done
      (loop $next_row
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $row (i32.add (local.get $rows) (i32.mul (local.get $i) (local.get $d))))
        (local.set $acc (v128.const i32x4 0 0 0 0))
        (local.set $j (i32.const 0))
        (local.set $q (local.get $query))
        (loop $next_16
          (local.set $k (v128.load (i32.add (local.get $row) (local.get $j))))
          (local.set $acc (i32x4.add (local.get $acc)
            (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $k)) (v128.load (local.get $q)))))
          (local.set $acc (i32x4.add (local.get $acc)
            (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $k)) (v128.load offset=16 (local.get $q)))))
          (local.set $q (i32.add (local.get $q) (i32.const 32)))
          (local.set $j (i32.add (local.get $j) (i32.const 16)))
          (br_if $next_16 (i32.lt_u (local.get $j) (local.get $d))))
        (i32.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2)))
          (i32.add
            (i32.add (i32x4.extract_lane 0 (local.get $acc)) (i32x4.extract_lane 1 (local.get $acc)))
            (i32.add (i32x4.extract_lane 2 (local.get $acc)) (i32x4.extract_lane 3 (local.get $acc)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next_row))))

  ;; log(sum(exp(x))) over the n floats at $p (n a multiple of 4, at least 4). exp(x - max) is
  ;; 2^-y with y = (max - x) log2(e): 2^-floor(y) from the exponent bits, the rest from a
  ;; degree-7 polynomial (relative error about 1e-6, far below what a blend weight means; y is
  ;; capped at 100, where 2^-100 is nothing).
  (func (export "logSumExp") (param $p i32) (param $n i32) (result f64)
    (local $i i32) (local $end i32) (local $m v128) (local $max f32) (local $top v128)
    (local $y v128) (local $k v128) (local $r v128) (local $e v128) (local $sum v128)
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $m (v128.const f32x4 -inf -inf -inf -inf))
    (local.set $i (local.get $p))
    (loop $max_4
      (local.set $m (f32x4.max (local.get $m) (v128.load (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br_if $max_4 (i32.lt_u (local.get $i) (local.get $end))))
    (local.set $max (f32.max
      (f32.max (f32x4.extract_lane 0 (local.get $m)) (f32x4.extract_lane 1 (local.get $m)))
      (f32.max (f32x4.extract_lane 2 (local.get $m)) (f32x4.extract_lane 3 (local.get $m)))))
    (local.set $top (f32x4.splat (local.get $max)))
    (local.set $sum (v128.const f32x4 0 0 0 0))
    (local.set $i (local.get $p))
    (loop $sum_4
      (local.set $y (f32x4.min
        (f32x4.mul (f32x4.sub (local.get $top) (v128.load (local.get $i))) (f32x4.splat (f32.const 1.44269504)))
        (f32x4.splat (f32.const 100))))
      (local.set $k (f32x4.floor (local.get $y)))
      ;; exp(r) for r = -(y - k) ln 2 in (-0.694, 0], by Horner
      (local.set $r (f32x4.mul (f32x4.sub (local.get $k) (local.get $y)) (f32x4.splat (f32.const 0.693147181))))
      (local.set $e (f32x4.add (f32x4.splat (f32.const 0.00138888889))
        (f32x4.mul (local.get $r) (f32x4.splat (f32.const 0.000198412698)))))
      (local.set $e (f32x4.add (f32x4.splat (f32.const 0.00833333333)) (f32x4.mul (local.get $r) (local.get $e))))
      (local.set $e (f32x4.add (f32x4.splat (f32.const 0.0416666667)) (f32x4.mul (local.get $r) (local.get $e))))
      (local.set $e (f32x4.add (f32x4.splat (f32.const 0.166666667)) (f32x4.mul (local.get $r) (local.get $e))))
      (local.set $e (f32x4.add (f32x4.splat (f32.const 0.5)) (f32x4.mul (local.get $r) (local.get $e))))
      (local.set $e (f32x4.add (f32x4.splat (f32.const 1)) (f32x4.mul (local.get $r) (local.get $e))))
      (local.set $e (f32x4.add (f32x4.splat (f32.const 1)) (f32x4.mul (local.get $r) (local.get $e))))
      ;; times 2^-k: the float whose exponent bits are 127 - k
      (local.set $e (f32x4.mul (local.get $e)
        (i32x4.shl (i32x4.sub (v128.const i32x4 127 127 127 127) (i32x4.trunc_sat_f32x4_s (local.get $k)))
          (i32.const 23))))
      (local.set $sum (f32x4.add (local.get $sum) (local.get $e)))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br_if $sum_4 (i32.lt_u (local.get $i) (local.get $end))))
    (f64.add (f64.promote_f32 (local.get $max))
      (call $log (f64.promote_f32 (f32.add
        (f32.add (f32x4.extract_lane 0 (local.get $sum)) (f32x4.extract_lane 1 (local.get $sum)))
        (f32.add (f32x4.extract_lane 2 (local.get $sum)) (f32x4.extract_lane 3 (local.get $sum))))))))
  ;; The index of the largest of the n floats at $p (n a multiple of 4; the first on ties), or
  ;; -1 when there is none (NaN everywhere).
  (func (export "argmax") (param $p i32) (param $n i32) (result i32)
    (local $i i32) (local $end i32) (local $m v128) (local $top v128) (local $max f32) (local $hit v128)
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $m (v128.const f32x4 -inf -inf -inf -inf))
    (local.set $i (local.get $p))
    (loop $max_4
      (local.set $m (f32x4.pmax (local.get $m) (v128.load (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 16)))
      (br_if $max_4 (i32.lt_u (local.get $i) (local.get $end))))
    (local.set $max (f32.max
      (f32.max (f32x4.extract_lane 0 (local.get $m)) (f32x4.extract_lane 1 (local.get $m)))
      (f32.max (f32x4.extract_lane 2 (local.get $m)) (f32x4.extract_lane 3 (local.get $m)))))
    (local.set $top (f32x4.splat (local.get $max)))
    (local.set $i (local.get $p))
    (block $none
      (loop $find_4
        (br_if $none (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $hit (f32x4.eq (v128.load (local.get $i)) (local.get $top)))
        (if (v128.any_true (local.get $hit))
          (then
            (if (i32x4.extract_lane 0 (local.get $hit))
              (then (return (i32.shr_u (i32.sub (local.get $i) (local.get $p)) (i32.const 2)))))
            (if (i32x4.extract_lane 1 (local.get $hit))
              (then (return (i32.add (i32.shr_u (i32.sub (local.get $i) (local.get $p)) (i32.const 2)) (i32.const 1)))))
            (if (i32x4.extract_lane 2 (local.get $hit))
              (then (return (i32.add (i32.shr_u (i32.sub (local.get $i) (local.get $p)) (i32.const 2)) (i32.const 2)))))
            (return (i32.add (i32.shr_u (i32.sub (local.get $i) (local.get $p)) (i32.const 2)) (i32.const 3)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $find_4)))
    (i32.const -1))

  ;; Writes to $out (int32) the indices t < n with s[t] + r * bound[t] >= floor, in order, for
  ;; the n floats at $s and at $bound (n a multiple of 4); returns how many, stopping within the
  ;; group of four where there come to be more than $limit (it then returns more than $limit).
  (func (export "reaching")
    (param $s i32) (param $bound i32) (param $n i32) (param $r f32) (param $floor f32) (param $out i32) (param $limit i32)
    (result i32)
    (local $t i32) (local $count i32) (local $rv v128) (local $fv v128) (local $hit v128)
    (local.set $rv (f32x4.splat (local.get $r)))
    (local.set $fv (f32x4.splat (local.get $floor)))
    (block $done
      (loop $next_4
        (br_if $done (i32.ge_u (local.get $t) (local.get $n)))
        (local.set $hit (f32x4.ge
          (f32x4.add
            (v128.load (i32.add (local.get $s) (i32.shl (local.get $t) (i32.const 2))))
            (f32x4.mul (local.get $rv) (v128.load (i32.add (local.get $bound) (i32.shl (local.get $t) (i32.const 2))))))
          (local.get $fv)))
        (if (v128.any_true (local.get $hit))
          (then
            (if (i32x4.extract_lane 0 (local.get $hit)) (then
              (i32.store (i32.add (local.get $out) (i32.shl (local.get $count) (i32.const 2))) (local.get $t))
              (local.set $count (i32.add (local.get $count) (i32.const 1)))))
            (if (i32x4.extract_lane 1 (local.get $hit)) (then
              (i32.store (i32.add (local.get $out) (i32.shl (local.get $count) (i32.const 2))) (i32.add (local.get $t) (i32.const 1)))
              (local.set $count (i32.add (local.get $count) (i32.const 1)))))
            (if (i32x4.extract_lane 2 (local.get $hit)) (then
              (i32.store (i32.add (local.get $out) (i32.shl (local.get $count) (i32.const 2))) (i32.add (local.get $t) (i32.const 2)))
              (local.set $count (i32.add (local.get $count) (i32.const 1)))))
            (if (i32x4.extract_lane 3 (local.get $hit)) (then
              (i32.store (i32.add (local.get $out) (i32.shl (local.get $count) (i32.const 2))) (i32.add (local.get $t) (i32.const 3)))
              (local.set $count (i32.add (local.get $count) (i32.const 1)))))
            (br_if $done (i32.gt_u (local.get $count) (local.get $limit)))))
        (local.set $t (i32.add (local.get $t) (i32.const 4)))
        (br $next_4)))
    (local.get $count))

  ;; y[i] += a * x[i] for the n floats at $y and $x (n a multiple of 4).
  (func (export "axpy") (param $y i32) (param $x i32) (param $n i32) (param $a f32)
    (local $i i32) (local $end i32) (local $av v128)
    (local.set $av (f32x4.splat (local.get $a)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $done
      (loop $next_4
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (v128.store (i32.add (local.get $y) (local.get $i))
          (f32x4.add (v128.load (i32.add (local.get $y) (local.get $i)))
            (f32x4.mul (local.get $av) (v128.load (i32.add (local.get $x) (local.get $i))))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $next_4))))
)
