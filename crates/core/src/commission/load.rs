//! Loads the engine inputs for a period from the store.
