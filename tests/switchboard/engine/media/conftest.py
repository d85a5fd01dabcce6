from sportello.switchboard.engine.media.testing import default_prompts, media_node

__all__ = ["default_prompts", "media_node"]
