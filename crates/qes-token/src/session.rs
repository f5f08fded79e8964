//! Login and the session pool: one `C_Login` (PKCS#11 v2.40 §5.6, login state is shared by all
//! sessions of an application with a token) serves a pool of sessions that threads check out
//! one at a time; plus the PIN lifecycle, `C_SetPIN` (change) and `C_InitPIN` by the SO
//! (unblock with the PUK).
//!
//! The thread-safety contract is in the crate documentation (`README.md`).

use std::sync::{Condvar, Mutex};

use cryptoki::error::{Error as CkError, RvError};
use cryptoki::session::{Session, UserType};

use crate::{FinalTry, Pin, PinStatus, PinWarning, Token, TokenError};

/// The most sessions a pool opens.
pub const MAX_SESSIONS: usize = 64;

fn rv(err: &CkError) -> Option<RvError> {
    match err {
        CkError::Pkcs11(rv, _) => Some(*rv),
        _ => None,
    }
}

/// Who logs in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    User,
    So,
}

/// Check the PIN flags, then `C_Login`, mapping the outcome to typed errors.
fn login(
    token: &Token,
    session: &Session,
    role: Role,
    pin: &Pin,
    final_try: FinalTry,
) -> Result<(), TokenError> {
    let fresh = token.refresh()?;
    let (status, user_type) = match role {
        Role::User => (fresh.user_pin, UserType::User),
        Role::So => (fresh.so_pin, UserType::So),
    };
    match (role, status.locked, status.final_try, final_try) {
        (Role::User, true, _, _) => return Err(TokenError::PinLocked),
        (Role::So, true, _, _) => return Err(TokenError::SoPinLocked),
        (Role::User, false, true, FinalTry::Refuse) => return Err(TokenError::FinalTryRefused),
        (Role::So, false, true, FinalTry::Refuse) => return Err(TokenError::SoFinalTryRefused),
        _ => {}
    }
    if role == Role::User && !fresh.user_pin_initialized {
        return Err(TokenError::PinNotInitialized);
    }
    // A PIN the token cannot accept would still count as a failed attempt on some tokens.
    pin.check_length(fresh.min_pin_len, fresh.max_pin_len)?;
    match session.login(user_type, Some(&pin.auth())) {
        Ok(()) => Ok(()),
        Err(err) => match (rv(&err), role) {
            (Some(RvError::UserAlreadyLoggedIn), _) => Ok(()),
            (Some(RvError::PinIncorrect), Role::User) => Err(TokenError::PinIncorrect {
                status: after(token, role),
            }),
            (Some(RvError::PinIncorrect), Role::So) => Err(TokenError::SoPinIncorrect {
                status: after(token, role),
            }),
            (Some(RvError::PinLocked), Role::User) => Err(TokenError::PinLocked),
            (Some(RvError::PinLocked), Role::So) => Err(TokenError::SoPinLocked),
            (Some(RvError::PinLenRange), _) => Err(TokenError::PinLength {
                min: fresh.min_pin_len,
                max: fresh.max_pin_len,
                actual: pin.char_len(),
            }),
            (Some(RvError::UserPinNotInitialized), _) => Err(TokenError::PinNotInitialized),
            _ => Err(TokenError::Pkcs11 {
                operation: "C_Login",
                source: err,
            }),
        },
    }
}

/// The PIN state after a failed attempt (default flags if the token cannot tell).
fn after(token: &Token, role: Role) -> PinStatus {
    token
        .refresh()
        .map(|t| match role {
            Role::User => t.user_pin,
            Role::So => t.so_pin,
        })
        .unwrap_or_default()
}

fn open_rw(token: &Token) -> Result<Session, TokenError> {
    token
        .module
        .context()
        .open_rw_session(token.slot)
        .map_err(TokenError::pkcs11("C_OpenSession"))
}

fn set_pin_error(err: CkError, token: &Token, new: &Pin, operation: &'static str) -> TokenError {
    match rv(&err) {
        Some(RvError::PinLenRange) => TokenError::PinLength {
            min: token.min_pin_len,
            max: token.max_pin_len,
            actual: new.char_len(),
        },
        Some(RvError::PinInvalid) => TokenError::PinInvalid,
        Some(RvError::PinIncorrect) => TokenError::PinIncorrect {
            status: after(token, Role::User),
        },
        Some(RvError::PinLocked) => TokenError::PinLocked,
        _ => TokenError::Pkcs11 {
            operation,
            source: err,
        },
    }
}

impl Token {
    /// Change the user PIN (`C_SetPIN` in a user session). The old PIN logs in first, with
    /// the same lock-out checks as a signing login.
    ///
    /// Returns advisory warnings about the new PIN (e.g. longer than macOS accepts).
    ///
    /// # Errors
    /// [`TokenError::PinLength`] (checked before anything is sent), the login errors of
    /// [`SessionPool::login`], [`TokenError::PinInvalid`], [`TokenError::Pkcs11`].
    pub fn change_pin(
        &self,
        old: &Pin,
        new: &Pin,
        final_try: FinalTry,
    ) -> Result<Vec<PinWarning>, TokenError> {
        new.check_length(self.min_pin_len, self.max_pin_len)?;
        let session = open_rw(self)?;
        login(self, &session, Role::User, old, final_try)?;
        session
            .set_pin(&old.auth(), &new.auth())
            .map_err(|e| set_pin_error(e, self, new, "C_SetPIN"))?;
        let _ = session.logout();
        Ok(new.warnings())
    }

    /// Unblock the user PIN: log in as SO with the PUK (SO PIN) and set a new user PIN
    /// (`C_InitPIN`). Also sets the first user PIN of a freshly initialized token.
    ///
    /// # Errors
    /// [`TokenError::SoPinLocked`], [`TokenError::SoFinalTryRefused`],
    /// [`TokenError::SoPinIncorrect`], [`TokenError::PinLength`], [`TokenError::PinInvalid`],
    /// [`TokenError::Pkcs11`].
    pub fn unblock(
        &self,
        puk: &Pin,
        new: &Pin,
        final_try: FinalTry,
    ) -> Result<Vec<PinWarning>, TokenError> {
        new.check_length(self.min_pin_len, self.max_pin_len)?;
        let session = open_rw(self)?;
        login(self, &session, Role::So, puk, final_try)?;
        let result = session
            .init_pin(&new.auth())
            .map_err(|e| set_pin_error(e, self, new, "C_InitPIN"));
        let _ = session.logout();
        result?;
        Ok(new.warnings())
    }
}

/// Options of [`SessionPool::login`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoginOptions {
    /// Sessions to open (1 ..= [`MAX_SESSIONS`]): how many signatures run at once.
    pub sessions: usize,
    /// Whether the final try before lock-out may be spent.
    pub final_try: FinalTry,
}

impl Default for LoginOptions {
    fn default() -> Self {
        Self {
            sessions: 1,
            final_try: FinalTry::Refuse,
        }
    }
}

impl LoginOptions {
    /// One session per available CPU (`std::thread::available_parallelism`), at most
    /// [`MAX_SESSIONS`].
    pub fn per_core() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        Self {
            sessions: cores.clamp(1, MAX_SESSIONS),
            ..Self::default()
        }
    }

    /// With `sessions` sessions.
    pub fn with_sessions(self, sessions: usize) -> Self {
        Self { sessions, ..self }
    }

    /// With the given final-try choice.
    pub fn with_final_try(self, final_try: FinalTry) -> Self {
        Self { final_try, ..self }
    }
}

/// Logged-in read/write sessions on one token (see the crate's
/// [thread-safety contract](crate#thread-safety-contract)).
pub struct SessionPool {
    token: Token,
    idle: Mutex<Vec<Session>>,
    returned: Condvar,
    size: usize,
    warnings: Vec<PinWarning>,
}

impl SessionPool {
    /// Log in to `token` with the user PIN and open `options.sessions` sessions.
    ///
    /// Before anything is sent the token's flags are read: a locked PIN is
    /// [`TokenError::PinLocked`]; on "final try" the login is refused
    /// ([`TokenError::FinalTryRefused`]) unless `options.final_try` is
    /// [`FinalTry::Allow`]. A wrong PIN is [`TokenError::PinIncorrect`] with the flags read
    /// after the attempt.
    ///
    /// # Errors
    /// As above, plus [`TokenError::PoolSize`], [`TokenError::PinLength`],
    /// [`TokenError::PinNotInitialized`] and [`TokenError::Pkcs11`].
    pub fn login(token: &Token, pin: &Pin, options: LoginOptions) -> Result<Self, TokenError> {
        if !(1..=MAX_SESSIONS).contains(&options.sessions) {
            return Err(TokenError::PoolSize {
                requested: options.sessions,
                max: MAX_SESSIONS,
            });
        }
        let first = open_rw(token)?;
        if token.login_required {
            login(token, &first, Role::User, pin, options.final_try)?;
        }
        let mut idle = Vec::with_capacity(options.sessions);
        idle.push(first);
        while idle.len() < options.sessions {
            idle.push(open_rw(token)?);
        }
        Ok(Self {
            token: token.refresh()?,
            size: options.sessions,
            idle: Mutex::new(idle),
            returned: Condvar::new(),
            warnings: pin.warnings(),
        })
    }

    /// The token the pool is logged in to.
    pub fn token(&self) -> &Token {
        &self.token
    }

    /// Sessions in the pool.
    pub fn size(&self) -> usize {
        self.size
    }

    /// Advisory warnings about the PIN that logged in.
    pub fn warnings(&self) -> &[PinWarning] {
        &self.warnings
    }

    /// Run `f` on an idle session, waiting while all are busy.
    ///
    /// # Errors
    /// [`TokenError::PoolPoisoned`] or whatever `f` returns.
    pub fn with_session<R>(
        &self,
        f: impl FnOnce(&Session) -> Result<R, TokenError>,
    ) -> Result<R, TokenError> {
        let session = {
            let mut idle = self.idle.lock().map_err(|_| TokenError::PoolPoisoned)?;
            loop {
                if let Some(session) = idle.pop() {
                    break session;
                }
                idle = self
                    .returned
                    .wait(idle)
                    .map_err(|_| TokenError::PoolPoisoned)?;
            }
        };
        let lease = Lease {
            pool: self,
            session: Some(session),
        };
        match &lease.session {
            Some(session) => f(session),
            None => Err(TokenError::PoolPoisoned),
        }
    }
}

/// Gives a session back to the pool even if the caller's closure panics.
struct Lease<'a> {
    pool: &'a SessionPool,
    session: Option<Session>,
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        if let (Some(session), Ok(mut idle)) = (self.session.take(), self.pool.idle.lock()) {
            idle.push(session);
            self.pool.returned.notify_one();
        }
    }
}

impl std::fmt::Debug for SessionPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionPool")
            .field("token", &self.token.label)
            .field("size", &self.size)
            .finish_non_exhaustive()
    }
}
