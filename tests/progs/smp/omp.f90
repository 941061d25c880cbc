! omp.f90: gfortran OpenMP, statically linked, for the SMP tests (issue
! 16): omp_get_max_threads (OMP_NUM_THREADS), a parallel reduction with a
! known result, a static schedule that gives every thread a share, and a
! barrier between phases. Its output does not depend on the CPU count.
program omp
  use omp_lib
  implicit none
  integer, parameter :: n = 1000000
  integer(8) :: s, t
  integer :: i, nt, bad
  integer, allocatable :: share(:), phase(:)

  nt = omp_get_max_threads()
  print '(a,i0)', 'max threads ', nt
  allocate(share(0:nt - 1), phase(0:nt - 1))
  share = 0
  phase = 0

  s = 0
  !$omp parallel do reduction(+:s) schedule(static)
  do i = 1, n
    s = s + int(i, 8) * int(i, 8)
    share(omp_get_thread_num()) = share(omp_get_thread_num()) + 1
  end do
  !$omp end parallel do
  t = int(n, 8) * int(n + 1, 8) * int(2 * n + 1, 8) / 6
  print '(a,i0,a,l1)', 'sum of squares ', s, ' right ', s == t
  print '(a,l1,a,i0)', 'every thread had a share ', all(share > 0), &
    ' of ', sum(share)

  bad = 0
  !$omp parallel reduction(+:bad)
  phase(omp_get_thread_num()) = 1
  !$omp barrier
  if (any(phase /= 1)) bad = bad + 1
  !$omp end parallel
  print '(a,i0)', 'threads that passed the barrier early ', bad
end program omp
