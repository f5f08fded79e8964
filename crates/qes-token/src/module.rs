//! Loading a PKCS#11 module, listing its tokens and selecting one by label or serial
//! (PKCS#11 v2.40 §5.4 `C_GetSlotList`/`C_GetTokenInfo`; slot ids are not stable across
//! insertions or re-initialization, so they are never a selector).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, Weak};

use cryptoki::context::{CInitializeArgs, Pkcs11};
use cryptoki::slot::Slot;

use crate::{PinStatus, TokenError};

/// A loaded, initialized PKCS#11 module.
///
/// Cheap to clone; every clone (and every [`Module::open`] of the same path in this process)
/// shares one `C_Initialize`d context, because a module may be initialized only once per
/// process. The module is initialized with `CKF_OS_LOCKING_OK`, so it may be called from
/// several threads; `C_Finalize` runs when the last clone, token and signer are dropped.
#[derive(Clone)]
pub struct Module {
    inner: Arc<ModuleInner>,
}

struct ModuleInner {
    path: PathBuf,
    context: Pkcs11,
}

fn registry() -> &'static Mutex<HashMap<PathBuf, Weak<ModuleInner>>> {
    static REGISTRY: OnceLock<Mutex<HashMap<PathBuf, Weak<ModuleInner>>>> = OnceLock::new();
    REGISTRY.get_or_init(|| Mutex::new(HashMap::new()))
}

impl Module {
    /// Load the module at `path` (e.g. `/usr/lib/softhsm/libsofthsm2.so`,
    /// `/usr/lib/libeTPkcs11.so`) and initialize it, or share the context already open in
    /// this process.
    ///
    /// # Errors
    /// [`TokenError::Load`] when the library cannot be loaded or `C_Initialize` fails.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, TokenError> {
        let path = path.as_ref();
        let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let mut registry = registry().lock().map_err(|_| TokenError::PoolPoisoned)?;
        if let Some(inner) = registry.get(&key).and_then(Weak::upgrade) {
            return Ok(Self { inner });
        }
        let load = |source| TokenError::Load {
            path: path.to_path_buf(),
            source,
        };
        let context = Pkcs11::new(&key).map_err(load)?;
        context
            .initialize(CInitializeArgs::OsThreads)
            .map_err(load)?;
        let inner = Arc::new(ModuleInner {
            path: path.to_path_buf(),
            context,
        });
        registry.retain(|_, weak| weak.strong_count() > 0);
        registry.insert(key, Arc::downgrade(&inner));
        Ok(Self { inner })
    }

    /// The path the module was loaded from.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    pub(crate) fn context(&self) -> &Pkcs11 {
        &self.inner.context
    }

    /// The module's self-description (`C_GetInfo`): manufacturer and library description.
    ///
    /// # Errors
    /// [`TokenError::Pkcs11`].
    pub fn description(&self) -> Result<String, TokenError> {
        let info = self
            .context()
            .get_library_info()
            .map_err(TokenError::pkcs11("C_GetInfo"))?;
        Ok(format!(
            "{} {} (Cryptoki {}.{})",
            info.manufacturer_id().trim(),
            info.library_description().trim(),
            info.cryptoki_version().major(),
            info.cryptoki_version().minor()
        ))
    }

    /// Every token present, in slot order.
    ///
    /// # Errors
    /// [`TokenError::Pkcs11`], also when one slot's token cannot be read (see
    /// [`Module::tokens_by_slot`] to list the others).
    pub fn tokens(&self) -> Result<Vec<Token>, TokenError> {
        self.tokens_by_slot()?
            .into_iter()
            .map(|(_, token)| token)
            .collect()
    }

    /// Every slot with a token, in slot order: its slot ID and the token, or why it cannot
    /// be read (removed meanwhile, or a module error), so that one bad slot does not hide
    /// the others.
    ///
    /// # Errors
    /// [`TokenError::Pkcs11`] when the slot list itself cannot be read.
    pub fn tokens_by_slot(&self) -> Result<Vec<SlotToken>, TokenError> {
        let slots = self
            .context()
            .get_slots_with_token()
            .map_err(TokenError::pkcs11("C_GetSlotList"))?;
        Ok(slots
            .into_iter()
            .map(|slot| (slot.id(), Token::read(self.clone(), slot)))
            .collect())
    }

    /// The one initialized token `selector` names.
    ///
    /// # Errors
    /// [`TokenError::TokenNotFound`] (listing what is present), [`TokenError::AmbiguousToken`],
    /// [`TokenError::Pkcs11`].
    ///
    /// A slot whose token cannot be read (removed meanwhile, or a module error) does not stop
    /// the search among the others; its error is returned only when no readable token matches.
    pub fn token(&self, selector: &TokenSelector) -> Result<Token, TokenError> {
        let mut tokens = Vec::new();
        let mut unreadable = None;
        for (_, token) in self.tokens_by_slot()? {
            match token {
                Ok(token) => tokens.push(token),
                Err(err) => {
                    unreadable.get_or_insert(err);
                }
            }
        }
        if let Some(err) = unreadable {
            if !tokens.iter().any(|t| t.initialized && selector.matches(t)) {
                return Err(err);
            }
        }
        let available: Vec<String> = tokens
            .iter()
            .filter(|t| t.initialized)
            .map(|t| format!("{} (serial {})", t.label, t.serial))
            .collect();
        let mut found: Vec<Token> = tokens
            .into_iter()
            .filter(|t| t.initialized && selector.matches(t))
            .collect();
        match found.len() {
            0 => Err(TokenError::TokenNotFound {
                selector: selector.clone(),
                available,
            }),
            1 => found.pop().ok_or(TokenError::TokenNotFound {
                selector: selector.clone(),
                available: Vec::new(),
            }),
            count => Err(TokenError::AmbiguousToken {
                selector: selector.clone(),
                count,
            }),
        }
    }
}

impl std::fmt::Debug for Module {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Module")
            .field("path", &self.inner.path)
            .finish_non_exhaustive()
    }
}

/// How to pick a token: by its label or its serial number (`CK_TOKEN_INFO.label`,
/// `.serialNumber`, compared after trimming the blank padding). Never by slot id.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenSelector {
    /// The token label, exactly.
    Label(String),
    /// The token serial number, exactly.
    Serial(String),
}

impl TokenSelector {
    fn matches(&self, token: &Token) -> bool {
        match self {
            Self::Label(label) => token.label == label.trim(),
            Self::Serial(serial) => token.serial == serial.trim(),
        }
    }
}

impl std::fmt::Display for TokenSelector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Label(label) => write!(f, "label {label:?}"),
            Self::Serial(serial) => write!(f, "serial {serial:?}"),
        }
    }
}

/// A slot's ID and its token, or why the token cannot be read ([`Module::tokens_by_slot`]).
pub type SlotToken = (u64, Result<Token, TokenError>);

/// A token in a slot of a [`Module`], as `C_GetTokenInfo` described it when it was listed.
///
/// The PIN state changes with every login attempt; [`Token::refresh`] reads it again.
#[derive(Clone)]
pub struct Token {
    pub(crate) module: Module,
    pub(crate) slot: Slot,
    /// The label, padding removed.
    pub label: String,
    /// The serial number, padding removed.
    pub serial: String,
    /// The manufacturer.
    pub manufacturer: String,
    /// The model.
    pub model: String,
    /// `CKF_TOKEN_INITIALIZED`.
    pub initialized: bool,
    /// `CKF_LOGIN_REQUIRED`.
    pub login_required: bool,
    /// `CKF_PROTECTED_AUTHENTICATION_PATH`: the PIN is entered on a PIN pad, not sent.
    pub protected_authentication_path: bool,
    /// `CKF_USER_PIN_INITIALIZED`.
    pub user_pin_initialized: bool,
    /// The user PIN's retry state.
    pub user_pin: PinStatus,
    /// The SO PIN's (PUK's) retry state.
    pub so_pin: PinStatus,
    /// Shortest PIN the token accepts.
    pub min_pin_len: usize,
    /// Longest PIN the token accepts.
    pub max_pin_len: usize,
}

impl Token {
    pub(crate) fn read(module: Module, slot: Slot) -> Result<Self, TokenError> {
        let info = module
            .context()
            .get_token_info(slot)
            .map_err(TokenError::pkcs11("C_GetTokenInfo"))?;
        Ok(Self {
            slot,
            label: info.label().trim().to_owned(),
            serial: info.serial_number().trim().to_owned(),
            manufacturer: info.manufacturer_id().trim().to_owned(),
            model: info.model().trim().to_owned(),
            initialized: info.token_initialized(),
            login_required: info.login_required(),
            protected_authentication_path: info.protected_authentication_path(),
            user_pin_initialized: info.user_pin_initialized(),
            user_pin: PinStatus::user(&info),
            so_pin: PinStatus::so(&info),
            min_pin_len: info.min_pin_length(),
            max_pin_len: info.max_pin_length(),
            module,
        })
    }

    /// Read the token's state (PIN flags above all) again.
    ///
    /// # Errors
    /// [`TokenError::Pkcs11`], e.g. when the token was removed.
    pub fn refresh(&self) -> Result<Self, TokenError> {
        Self::read(self.module.clone(), self.slot)
    }

    /// The module the token is in.
    pub fn module(&self) -> &Module {
        &self.module
    }

    /// The mechanisms the token offers.
    pub(crate) fn mechanisms(&self) -> Result<Vec<cryptoki::mechanism::MechanismType>, TokenError> {
        self.module
            .context()
            .get_mechanism_list(self.slot)
            .map_err(TokenError::pkcs11("C_GetMechanismList"))
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Token")
            .field("label", &self.label)
            .field("serial", &self.serial)
            .field("manufacturer", &self.manufacturer)
            .field("model", &self.model)
            .field("user_pin", &self.user_pin)
            .field("so_pin", &self.so_pin)
            .finish_non_exhaustive()
    }
}
