"""The media side of the switchboard engine: rtpengine nodes, their ng control, DTMF, prompts.

Every media packet stays in rtpengine; this package only signals to it.
"""

from .dtmf import DtmfEvent, DtmfListener
from .legs import rtp_leg, webrtc_leg
from .ng import LegStats, MediaError, MediaNodeError, NgClient, NgCommandError, leg_stats
from .node import MediaNode, MediaNodeConfig, MediaNodePool, MediaNodeProcess
from .prompts import PromptError, convert_uploaded_prompt, generate_default_prompts, prompt_path

__all__ = [
    "DtmfEvent",
    "DtmfListener",
    "LegStats",
    "MediaError",
    "MediaNode",
    "MediaNodeConfig",
    "MediaNodeError",
    "MediaNodePool",
    "MediaNodeProcess",
    "NgClient",
    "NgCommandError",
    "PromptError",
    "convert_uploaded_prompt",
    "generate_default_prompts",
    "leg_stats",
    "prompt_path",
    "rtp_leg",
    "webrtc_leg",
]
