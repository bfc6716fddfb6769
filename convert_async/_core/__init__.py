"""Provider-agnostic building blocks shared by every API client in convert_async."""
