"""Training and kit errors a frontend can act on."""

from common.errors import Conflict, Forbidden, InvalidInput, NotFound


class ModuleNotFound(NotFound):
    code = "training_module_not_found"


class ModuleArchived(Conflict):
    code = "training_module_archived"


class TooManyModules(Conflict):
    code = "too_many_training_modules"


class TrainingRequired(Forbidden):
    code = "training_required"


class ResourceNotFound(NotFound):
    code = "kit_resource_not_found"


class TooManyResources(Conflict):
    code = "too_many_kit_resources"


class NoContent(InvalidInput):
    code = "invalid_input"
