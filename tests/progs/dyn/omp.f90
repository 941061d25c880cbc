! omp.f90: gfortran OpenMP (libgomp, dynamically linked): a parallel
! reduction, a parallel do over an array, critical sections, and the
! thread count, with OMP_NUM_THREADS=4.
program omp
  use omp_lib
  implicit none
  integer, parameter :: n = 200000
  real(8), allocatable :: a(:)
  real(8) :: s
  integer :: i, nthreads, hits
  integer :: seen(0:3)

  allocate(a(n))
  nthreads = 0
  hits = 0
  seen = 0
  !$omp parallel
  !$omp single
  nthreads = omp_get_num_threads()
  !$omp end single
  !$omp critical
  hits = hits + 1
  seen(omp_get_thread_num()) = 1
  !$omp end critical
  !$omp end parallel
  print '(a,i0,a,i0,a,i0)', 'threads ', nthreads, ' hits ', hits, ' distinct ', sum(seen)

  !$omp parallel do schedule(static)
  do i = 1, n
    a(i) = dble(i) * 0.5d0
  end do
  !$omp end parallel do

  s = 0
  !$omp parallel do reduction(+:s) schedule(dynamic, 1000)
  do i = 1, n
    s = s + a(i)
  end do
  !$omp end parallel do
  print '(a,f0.1)', 'sum ', s
  print '(a,l1)', 'in parallel outside region: ', omp_in_parallel()
end program omp
