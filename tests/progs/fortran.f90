! fortran.f90: formatted output, allocatable arrays of a derived type,
! array sections and intrinsics.
program demo
  implicit none
  type point
     real(8) :: x, y
  end type point
  type(point), allocatable :: pts(:)
  integer :: i, n
  real(8) :: s
  n = 1000
  allocate(pts(n))
  do i = 1, n
     pts(i) = point(real(i, 8), real(2*i, 8))
  end do
  s = sum(pts(:)%x) + sum(pts(:)%y)
  write(*, '(A, I0, A, F12.2)') 'n=', n, ' sum=', s
  write(*, '(3(F8.3,1X))') pts(1)%x, pts(2)%y, sqrt(pts(3)%x)
  deallocate(pts)
end program demo
