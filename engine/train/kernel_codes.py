"""The codes the compiled kernels take for activations, losses, optimizers and
regularizers, the torch optimizer state each of their buffers mirrors, and the
columns of their metrics array (``engine.train.compiled``, ``compiled_lanes``)."""

# codes, in the order the catalogue and settings name them
ACTIVATION_CODES = {
    "linear": 0,
    "step": 1,
    "sigmoid": 2,
    "tanh": 3,
    "relu": 4,
    "leaky_relu": 5,
    "elu": 6,
    "gelu": 7,
    "silu": 8,
    "sine": 9,
}
LOSS_CODES = {"bce": 0, "cross_entropy": 1, "mse": 2, "l1": 3}
OPTIMIZER_CODES = {"sgd": 0, "momentum": 1, "rmsprop": 2, "adam": 3, "adagrad": 4, "adadelta": 5, "rprop": 6}
REG_CODES = {"none": 0, "l1": 1, "l2": 2}
# the torch optimizer state each buffer mirrors ("step" is the lane's step count)
STATE_KEYS = {
    "sgd": (),
    "momentum": ("momentum_buffer",),
    "rmsprop": ("square_avg",),
    "adam": ("exp_avg", "exp_avg_sq"),
    "adagrad": ("sum",),
    "adadelta": ("square_avg", "acc_delta"),
    "rprop": ("prev", "step_size"),
}
METRICS = ("train_loss", "train_acc", "test_loss", "test_acc")  # columns of the metrics array
