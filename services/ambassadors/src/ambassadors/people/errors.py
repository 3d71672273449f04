"""Employee errors a frontend or an HR tool can act on."""

from common.errors import Conflict, Forbidden, NotFound


class EmployeeNotFound(NotFound):
    code = "employee_not_found"


class UserNameTaken(Conflict):
    code = "user_name_taken"


class EmployeeDeparted(Forbidden):
    code = "employee_departed"
